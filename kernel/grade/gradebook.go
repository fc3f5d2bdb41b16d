package grade

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteCSV writes the gradebook as CSV: a header row (student, file, one
// column per exercise with its maximum, total, max, problems), then one row
// per report.
func WriteCSV(w io.Writer, k *Key, reports []*Report) error {
	cw := csv.NewWriter(w)
	head := []string{"student", "file"}
	for _, e := range k.Exercises {
		head = append(head, fmt.Sprintf("%s (%s)", e.ID, num(e.Points())))
	}
	head = append(head, "total", "max", "problems")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range reports {
		row := []string{r.Student, r.File}
		for _, er := range r.Exercises {
			row = append(row, num(er.Score))
		}
		row = append(row, num(r.Score), num(r.Max), strconv.Itoa(len(r.Problems)))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Gradebook is the JSON form of a graded batch.
type Gradebook struct {
	Key       string    `json:"key"`
	Max       float64   `json:"max"`
	Exercises []Summary `json:"exercises"`
	Reports   []*Report `json:"reports"`
}

// Summary describes an exercise in the gradebook.
type Summary struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Points float64  `json:"points"`
	Tests  []string `json:"tests"`
}

// WriteJSON writes the gradebook as indented JSON ([Gradebook]).
func WriteJSON(w io.Writer, k *Key, reports []*Report) error {
	g := Gradebook{Key: k.Name, Max: k.Points(), Reports: reports}
	for _, e := range k.Exercises {
		s := Summary{ID: e.ID, Name: e.Name, Points: e.Points()}
		for _, t := range e.Tests {
			s.Tests = append(s.Tests, t.Name)
		}
		g.Exercises = append(g.Exercises, s)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(g)
}

// Feedback returns a student's feedback as Markdown: the score, then per
// exercise each test passed or failed, with what failed and a hint; then
// the problems with the notebook as a whole. It never quotes a hidden
// test's source.
func Feedback(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Feedback for %s\n\nScore: **%s / %s**\n", r.Student, num(r.Score), num(r.Max))
	for _, er := range r.Exercises {
		fmt.Fprintf(&b, "\n## %s: %s / %s\n\n", er.Name, num(er.Score), num(er.Max))
		for _, t := range er.Tests {
			if t.Passed {
				fmt.Fprintf(&b, "- ✓ %s (%s/%s)\n", t.Name, num(t.Score), num(t.Max))
				continue
			}
			fmt.Fprintf(&b, "- ✗ %s (0/%s)\n", t.Name, num(t.Max))
			if t.Feedback != "" {
				b.WriteString("\n  ```\n")
				for _, l := range strings.Split(t.Feedback, "\n") {
					b.WriteString("  " + strings.ReplaceAll(l, "```", "'''") + "\n")
				}
				b.WriteString("  ```\n\n")
			}
			if t.Hint != "" {
				fmt.Fprintf(&b, "  Hint: %s\n", t.Hint)
			}
		}
	}
	if len(r.Problems) > 0 {
		b.WriteString("\n## Other problems\n\n")
		for _, p := range r.Problems {
			b.WriteString("- " + strings.ReplaceAll(p, "\n", "\n  ") + "\n")
		}
	}
	if r.Score == r.Max {
		b.WriteString("\nEverything passes. Well done!\n")
	}
	return b.String()
}

// num formats a score: 3, 2.5.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
