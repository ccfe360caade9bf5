package chain

import (
	"context"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/provider"
	"github.com/biogen/biogen/internal/writer"
)

type failing struct {
	name string
	err  error
}

func (f *failing) Name() string        { return f.name }
func (f *failing) Kind() provider.Kind { return provider.KindOllama }
func (f *failing) Generate(context.Context, *provider.Request) (*provider.Result, error) {
	return nil, f.err
}

func TestRunFallsBackToTemplate(t *testing.T) {
	c, err := New(
		&failing{"big", provider.Errorf(provider.ReasonUnavailable, "connection refused")},
		&failing{"small", context.DeadlineExceeded},
		writer.NewProvider("template", &writer.Writer{}),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !c.NeedsPrompt() {
		t.Fatal("NeedsPrompt false with model providers")
	}
	req := &provider.Request{Bio: &bio.Request{UserID: "u", Profile: bio.Profile{Name: "Ada", CurrentRole: "Engineer"}, Options: bio.DefaultOptions}}
	out, err := c.Run(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if out.Provider != "template" || out.Kind != provider.KindTemplate || !out.Degraded {
		t.Fatalf("got %+v", out)
	}
	if got, want := strings.Join(out.FallbackReasons, ","), "big:unavailable,small:timeout"; got != want {
		t.Fatalf("FallbackReasons: got %q; want %q", got, want)
	}
}

func TestNewNeedsTemplateLast(t *testing.T) {
	if _, err := New(&failing{name: "big"}); err == nil {
		t.Fatal("New accepted a chain without a template")
	}
	c, err := New(writer.NewProvider("template", &writer.Writer{}))
	if err != nil || c.NeedsPrompt() {
		t.Fatalf("got %v %v", c, err)
	}
}
