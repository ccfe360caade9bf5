package answer

import (
	"testing"

	"github.com/biogen/biogen/internal/leaktest"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }
