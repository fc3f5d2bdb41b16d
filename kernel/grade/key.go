package grade

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/deepnb/deepnb/kernel/nbformat"
)

// Cell tags of the conventions (see the package documentation).
const (
	TagExercise   = "exercise"
	TagCheck      = "check"
	TagHiddenTest = "hidden-test"
)

// Solution region markers.
var (
	beginRE = regexp.MustCompile(`^(\s*)// BEGIN SOLUTION\b[ \t:—-]*(.*?)\s*$`)
	endRE   = regexp.MustCompile(`^\s*// END SOLUTION\s*$`)
	// mainRE matches GoNB's "%%" line, which starts a cell's main body.
	mainRE = regexp.MustCompile(`(?m)^%%[ \t]*(.*)$`)
)

// Key is an instructor's notebook read for grading: its exercises and their
// hidden tests.
type Key struct {
	Name      string             // the key's path or name, for errors
	Notebook  *nbformat.Notebook // the instructor's notebook as read
	Exercises []*Exercise        // in the order of their first cell
}

// Exercise is one graded exercise.
type Exercise struct {
	ID    string  // metadata.deepnb.exercise
	Name  string  // metadata.deepnb.name of its exercise cell, or ID
	Tests []*Test // its hidden tests, in notebook order
}

// Points is what the exercise is worth: the sum of its tests' points.
func (e *Exercise) Points() float64 {
	p := 0.0
	for _, t := range e.Tests {
		p += t.Points
	}
	return p
}

// Test is one hidden test.
type Test struct {
	Exercise string  // the exercise's ID
	Name     string  // what it tests, shown to students
	Points   float64 // > 0
	Hint     string  // shown when it fails ("" if none)
	Source   string  // the cell's code: never shown to students
	Cell     int     // 1-based position of the cell in the key
}

// ReadKey reads the instructor's notebook at path (see [ParseKey]).
func ReadKey(path string) (*Key, error) {
	nb, err := nbformat.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseKey(path, nb)
}

// ParseKey finds the exercises and hidden tests of an instructor's notebook
// and checks the conventions: every exercise cell names its exercise and
// holds balanced solution markers, every hidden test names a known exercise,
// has points > 0, a name and a "%%" line, every exercise has a hidden test,
// and no markers lie outside exercise cells. name is used in errors.
func ParseKey(name string, nb *nbformat.Notebook) (*Key, error) {
	k := &Key{Name: name, Notebook: nb}
	byID := map[string]*Exercise{}
	var tests []*Test
	for i, c := range nb.Cells {
		where := fmt.Sprintf("%s: cell %d", name, i+1)
		if c.ID != "" {
			where += fmt.Sprintf(" (id %q)", c.ID)
		}
		isEx, isTest := c.HasTag(TagExercise), c.HasTag(TagHiddenTest)
		if isTest && c.CellType != "code" {
			continue // instructor's notes about the hidden tests: removed from student versions, not run
		}
		regions, err := solutionRegions(c.Source)
		switch {
		case err != nil:
			return nil, fmt.Errorf("%s: %w", where, err)
		case isEx && isTest:
			return nil, fmt.Errorf("%s: tagged both %q and %q", where, TagExercise, TagHiddenTest)
		case isEx && c.CellType != "code":
			return nil, fmt.Errorf("%s: an %q cell must be a code cell, not %s", where, TagExercise, c.CellType)
		case !isEx && len(regions) > 0:
			return nil, fmt.Errorf("%s: has a // BEGIN SOLUTION marker but no %q tag", where, TagExercise)
		}
		if isEx {
			id, err := metaString(c, "exercise", true)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if len(regions) == 0 {
				return nil, fmt.Errorf("%s: exercise %q has no // BEGIN SOLUTION … // END SOLUTION region", where, id)
			}
			title, err := metaString(c, "name", false)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			e := byID[id]
			if e == nil {
				e = &Exercise{ID: id, Name: id}
				byID[id] = e
				k.Exercises = append(k.Exercises, e)
			}
			if title != "" {
				e.Name = title
			}
		}
		if isTest {
			t := &Test{Source: c.Source, Cell: i + 1}
			if t.Exercise, err = metaString(c, "exercise", true); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if t.Name, err = metaString(c, "name", true); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if t.Hint, err = metaString(c, "hint", false); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if t.Points, err = metaPoints(c); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			if !mainRE.MatchString(c.Source) {
				return nil, fmt.Errorf("%s: hidden test %q has no %%%% line (the code after it is the test)", where, t.Name)
			}
			tests = append(tests, t)
		}
	}
	for _, t := range tests {
		e := byID[t.Exercise]
		if e == nil {
			return nil, fmt.Errorf("%s: cell %d: hidden test %q grades exercise %q, which no cell tagged %q names", name, t.Cell, t.Name, t.Exercise, TagExercise)
		}
		e.Tests = append(e.Tests, t)
	}
	for _, e := range k.Exercises {
		if len(e.Tests) == 0 {
			return nil, fmt.Errorf("%s: exercise %q has no hidden test (tag one %q with metadata deepnb.exercise = %q)", name, e.ID, TagHiddenTest, e.ID)
		}
	}
	if len(k.Exercises) == 0 {
		return nil, fmt.Errorf("%s: no cell tagged %q: nothing to grade", name, TagExercise)
	}
	return k, nil
}

// Points is what the whole key is worth.
func (k *Key) Points() float64 {
	p := 0.0
	for _, e := range k.Exercises {
		p += e.Points()
	}
	return p
}

// region is a solution region: lines [begin, end] (0-based, markers
// included) of a cell's source, with the marker's indentation and text.
type region struct {
	begin, end int
	indent     string
	todo       string
}

// solutionRegions finds the solution regions of a cell's source.
func solutionRegions(src string) ([]region, error) {
	var out []region
	open := -1
	var cur region
	for i, l := range strings.Split(src, "\n") {
		if m := beginRE.FindStringSubmatch(l); m != nil {
			if open >= 0 {
				return nil, fmt.Errorf("line %d: // BEGIN SOLUTION inside the region begun on line %d", i+1, open+1)
			}
			open, cur = i, region{begin: i, indent: m[1], todo: m[2]}
			continue
		}
		if endRE.MatchString(l) {
			if open < 0 {
				return nil, fmt.Errorf("line %d: // END SOLUTION without a // BEGIN SOLUTION", i+1)
			}
			cur.end = i
			out = append(out, cur)
			open = -1
		}
	}
	if open >= 0 {
		return nil, fmt.Errorf("line %d: // BEGIN SOLUTION without a // END SOLUTION", open+1)
	}
	return out, nil
}

func deepnbMeta(c *nbformat.Cell) map[string]any {
	m, _ := c.Metadata["deepnb"].(map[string]any)
	return m
}

func metaString(c *nbformat.Cell, key string, required bool) (string, error) {
	v, ok := deepnbMeta(c)[key]
	if !ok {
		if required {
			return "", fmt.Errorf("metadata deepnb.%s is missing", key)
		}
		return "", nil
	}
	s, ok := v.(string)
	if !ok || (required && strings.TrimSpace(s) == "") {
		return "", fmt.Errorf("metadata deepnb.%s is %v, want a non-empty string", key, v)
	}
	return s, nil
}

func metaPoints(c *nbformat.Cell) (float64, error) {
	v, ok := deepnbMeta(c)["points"]
	if !ok {
		return 0, fmt.Errorf("metadata deepnb.points is missing")
	}
	var f float64
	switch v := v.(type) {
	case json.Number:
		var err error
		if f, err = v.Float64(); err != nil {
			return 0, fmt.Errorf("metadata deepnb.points: %w", err)
		}
	case float64:
		f = v
	case int:
		f = float64(v)
	default:
		return 0, fmt.Errorf("metadata deepnb.points is %T, want a number", v)
	}
	if !(f > 0) {
		return 0, fmt.Errorf("metadata deepnb.points is %v, want > 0", f)
	}
	return f, nil
}
