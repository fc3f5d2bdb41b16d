package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/kernel/grade"
	"github.com/deepnb/deepnb/kernel/nbformat"
)

func TestStudentCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	key := "../../../notebooks/05-reinforcement-learning.ipynb"
	var stdout, stderr bytes.Buffer
	if err := dispatch(context.Background(), []string{"student", key, "--out-dir", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("deepnb student: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "3 exercises (10 points)") {
		t.Errorf("stdout = %q", stdout.String())
	}
	nb, err := nbformat.ReadFile(filepath.Join(dir, filepath.Base(key)))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range nb.Cells {
		if c.HasTag(grade.TagHiddenTest) || strings.Contains(c.Source, "BEGIN SOLUTION") {
			t.Errorf("cell %q: a hidden test or a solution is left", c.ID)
		}
	}
	// It never overwrites its input.
	in := filepath.Join(dir, "05-reinforcement-learning.ipynb")
	before, _ := os.ReadFile(in)
	err = dispatch(context.Background(), []string{"student", "--out-dir", dir, in}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "refusing to overwrite") {
		t.Errorf("student into its own folder: %v, want a refusal", err)
	}
	if after, _ := os.ReadFile(in); !bytes.Equal(before, after) {
		t.Errorf("the input was modified")
	}
}

func TestGradeArgs(t *testing.T) {
	t.Parallel()
	for i, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"student", "x.ipynb"}, "--out-dir is required"},
		{[]string{"student", "--out-dir", "d"}, "no notebook given"},
		{[]string{"student", "--out-dir", t.TempDir(), "missing.ipynb"}, "missing.ipynb"},
		{[]string{"grade", "a.ipynb"}, "--key is required"},
		{[]string{"grade", "--key", "k.ipynb"}, "no submission given"},
		{[]string{"grade", "--key", "missing.ipynb", "a.ipynb"}, "missing.ipynb"},
		{[]string{"grade", "--key", "k.ipynb", "--docker", "no-such-image:none", "a.ipynb"}, "deepnb grade: --docker: docker: "},
	} {
		var stdout, stderr bytes.Buffer
		err := dispatch(context.Background(), tc.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("case %d: %q: %v, want an error containing %q", i, tc.args, err, tc.want)
		}
	}
}

func TestSubmissionNames(t *testing.T) {
	t.Parallel()
	subs, err := submissions([]string{"in/alice.ipynb", "in/bob.ipynb"})
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{subs[0].Student, subs[1].Student}; !reflect.DeepEqual(got, []string{"alice", "bob"}) {
		t.Errorf("names %q", got)
	}
	subs, err = submissions([]string{"in/alice/05.ipynb", "in/bob/05.ipynb"})
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{subs[0].Student, subs[1].Student}; !reflect.DeepEqual(got, []string{"alice", "bob"}) {
		t.Errorf("names %q", got)
	}
	if _, err := submissions([]string{"a/alice/05.ipynb", "b/alice/05.ipynb"}); err == nil || !strings.Contains(err.Error(), `both be graded as "alice"`) {
		t.Errorf("duplicate names: %v", err)
	}
}
