package grade

import (
	"fmt"
	"strings"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

// Student returns the student version of the key: each solution region
// replaced by a stub that compiles and says what to do (see the package
// documentation), hidden-test cells removed, every code cell's outputs,
// execution count and execution timestamps cleared. The key is not modified.
func Student(k *Key) (*nbformat.Notebook, error) {
	nb, err := clone(k.Notebook)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", k.Name, err)
	}
	var cells []*nbformat.Cell
	for i, c := range nb.Cells {
		if c.HasTag(TagHiddenTest) {
			continue
		}
		if c.HasTag(TagExercise) {
			id, _ := metaString(c, "exercise", true)
			src, err := stubSolutions(c.Source, id)
			if err != nil {
				return nil, fmt.Errorf("%s: cell %d: %w", k.Name, i+1, err)
			}
			c.Source = src
		}
		if c.CellType == "code" {
			c.Outputs, c.ExecutionCount = nil, nil
			delete(c.Metadata, "execution")
		}
		cells = append(cells, c)
	}
	nb.Cells = cells
	return nb, nil
}

// Stub returns the lines that replace a solution region of exercise id,
// indented by indent; todo says what to do ("" for a generic line).
func Stub(id, indent, todo string) string {
	if todo == "" {
		todo = "write your code here"
	}
	return fmt.Sprintf("%s// TODO(exercise %s): %s\n%spanic(%q)", indent, id, todo,
		indent, fmt.Sprintf("exercise %s is not done yet: replace this panic with your code", id))
}

func stubSolutions(src, id string) (string, error) {
	regions, err := solutionRegions(src)
	if err != nil {
		return "", err
	}
	lines := strings.Split(src, "\n")
	var out []string
	next := 0
	for _, r := range regions {
		out = append(out, lines[next:r.begin]...)
		out = append(out, Stub(id, r.indent, r.todo))
		next = r.end + 1
	}
	out = append(out, lines[next:]...)
	return strings.Join(out, "\n"), nil
}

// Secrets returns the lines a student version must not contain: the lines
// of the key's solution regions and hidden tests (trimmed, markers and lines
// shorter than 8 characters left out) that appear nowhere in the key's
// public part (every other line of every cell).
func Secrets(k *Key) []string {
	public := map[string]bool{}
	var secret []string
	for _, c := range k.Notebook.Cells {
		lines := strings.Split(c.Source, "\n")
		hidden := make([]bool, len(lines))
		if c.HasTag(TagHiddenTest) {
			for i := range hidden {
				hidden[i] = true
			}
		} else if c.HasTag(TagExercise) {
			regions, _ := solutionRegions(c.Source)
			for _, r := range regions {
				for i := r.begin; i <= r.end; i++ {
					hidden[i] = true
				}
			}
		}
		for i, l := range lines {
			l = strings.TrimSpace(l)
			switch {
			case !hidden[i]:
				public[l] = true
			case len(l) >= 8 && !beginRE.MatchString(l) && !endRE.MatchString(l):
				secret = append(secret, l)
			}
		}
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range secret {
		if !public[l] && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// Leaks returns the secret lines of the key ([Secrets]) that occur anywhere
// in the student notebook's cells (sources and outputs), and names any
// hidden-test cell left in it. An empty result means nothing leaked.
func Leaks(k *Key, student *nbformat.Notebook) []string {
	b, err := student.Marshal()
	if err != nil {
		return []string{err.Error()}
	}
	// Search the notebook's text both as JSON (escaped) and as cell sources.
	var text strings.Builder
	text.Write(b)
	for _, c := range student.Cells {
		text.WriteString("\n" + c.Source)
		if c.HasTag(TagHiddenTest) {
			return []string{fmt.Sprintf("cell %q is tagged %q", c.ID, TagHiddenTest)}
		}
	}
	all := text.String()
	var leaks []string
	for _, s := range Secrets(k) {
		if strings.Contains(all, s) {
			leaks = append(leaks, s)
		}
	}
	return leaks
}

// clone returns a deep copy of nb.
func clone(nb *nbformat.Notebook) (*nbformat.Notebook, error) {
	b, err := nb.Marshal()
	if err != nil {
		return nil, err
	}
	return nbformat.Parse(b)
}
