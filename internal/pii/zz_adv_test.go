package pii

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/biogen/biogen/internal/bio"
	"github.com/biogen/biogen/internal/pii/canary"
	"github.com/biogen/biogen/internal/prompt"
)

func TestZZAdv(t *testing.T) {
	tmpl, _ := prompt.Load("", "")
	for _, f := range []string{"pii1.jsonl", "pii2.jsonl", "pii3.jsonl"} {
		fh, err := os.Open("/tmp/adv2/" + f)
		if err != nil {
			t.Skip()
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var d struct {
				Note   string
				Body   json.RawMessage
				IDs    []string `json:"ids"`
				Phones []string
				Prev   string
				Show   bool
			}
			json.Unmarshal(sc.Bytes(), &d)
			req, err := bio.Decode(d.Body)
			if err != nil {
				fmt.Printf("DECODE %s: %v\n", d.Note, err)
				continue
			}
			out, m, _ := Pseudonymise(req)
			msgs, _ := tmpl.Render(out, 0)
			prev := ""
			if d.Prev != "" {
				prev = m.Forward(d.Prev)
			}
			body, _ := json.Marshal([]string{msgs.System, msgs.User, prev})
			c := canary.Case{Identifiers: d.IDs, Phones: d.Phones}
			leaks := c.Leaks(string(body))
			status := "ok  "
			if len(leaks) > 0 {
				status = "LEAK"
			}
			var sent strings.Builder
			out.Profile.EachText(func(f bio.TextField, s *string) {
				if f.Kind != bio.TextLabel || os.Getenv("ALL") != "" {
					sent.WriteString(*s + " | ")
				}
			})
			line := fmt.Sprintf("%s %s %s: %v", f[:4], status, d.Note, leaks)
			if len(leaks) > 0 || d.Show || os.Getenv("ALL") != "" {
				line += "\n      sent: " + sent.String() + " lang=" + out.Options.Language + " prev=" + prev
				line += "\n      back: " + m.Restore(out.Profile.ExperienceSummary)
			}
			fmt.Println(line)
		}
	}
}
