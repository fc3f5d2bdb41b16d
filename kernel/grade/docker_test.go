package grade_test

import (
	"cmp"
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/grade"
	"github.com/deepnb/deepnb/kernel/runner"
)

// TestDockerArgs checks the container a submission is graded in: no network, no capabilities,
// the key and the submission read-only, the grader's limits and parameters passed on.
func TestDockerArgs(t *testing.T) {
	t.Parallel()
	args := grade.DockerArgs("deepnb/notebook:test", "c1", "/w/key.ipynb", "/w/submission.ipynb", "/w/out",
		grade.Options{CellTimeout: time.Minute, SubmissionTimeout: 10 * time.Minute, MaxOutput: 4096, Params: []runner.Param{{Name: "episodes", Value: "30"}}})
	line := strings.Join(args, " ")
	for _, want := range []string{
		"run --rm --name c1 ", "--network none", "--cap-drop ALL",
		"-v /w/key.ipynb:/grade/key.ipynb:ro", "-v /w/submission.ipynb:/grade/submission.ipynb:ro", "-v /w/out:/grade/out ",
		"deepnb/notebook:test deepnb grade --key /grade/key.ipynb --out-dir /grade/out",
		"--timeout 1m0s", "--submission-timeout 10m0s", "--max-output 4096", "-p episodes=30",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("docker %s\nlacks %q", line, want)
		}
	}
	if args[len(args)-1] != "/grade/submission.ipynb" || slices.Index(args, "deepnb/notebook:test") < slices.Index(args, "-v") {
		t.Errorf("docker %s: the image must follow the options and the submission come last", line)
	}
}

// TestGradeDocker grades submissions of the "add" exercise each in a container of the
// students' image ($DEEPNB_GRADE_IMAGE, else deepnb/notebook:test, which scripts/ci-docker.sh
// builds): the right one scores full marks, the stub 0 with "not done yet", and one that
// scores only where the network cannot be reached shows that the container has none. It skips
// when no Docker engine answers or the image is missing.
func TestGradeDocker(t *testing.T) {
	if testing.Short() {
		t.Skip("runs containers; skipped under -short")
	}
	image := cmp.Or(os.Getenv("DEEPNB_GRADE_IMAGE"), "deepnb/notebook:test")
	ctx := context.Background()
	if err := grade.CheckDocker(ctx, image); err != nil {
		t.Skipf("grade --docker cannot be tested here: %v", err)
	}
	k, err := grade.ParseKey("add.ipynb", addKey())
	if err != nil {
		t.Fatal(err)
	}
	student, err := grade.Student(k)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	right := addKey()
	subs := []grade.Submission{
		{Student: "right", Path: writeNB(t, dir, "right", right)},
		{Student: "stub", Path: writeNB(t, dir, "stub", student)},
		{Student: "offline", Path: writeNB(t, dir, "offline", withSource(t, right, "sum := a + b", `sum := a + b
	if c, err := net.DialTimeout("tcp", "1.1.1.1:53", 2*time.Second); err == nil {
		c.Close()
		sum = 0 // the network answered
	}`))},
	}
	start := time.Now()
	reports, err := grade.GradeAll(ctx, k, subs, 2, grade.Options{Docker: image, CellTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d submissions in containers of %s in %.1fs", len(subs), image, time.Since(start).Seconds())
	for i, tc := range []struct {
		score    float64
		feedback string
	}{{3.5, "Well done"}, {0, "Not done yet: exercise add still has its stub"}, {3.5, "Well done"}} {
		r := reports[i]
		fb := grade.Feedback(r)
		if r.Score != tc.score || !strings.Contains(fb, tc.feedback) {
			t.Errorf("%s: %g/%g, want %g and %q:\n%s", r.Student, r.Score, r.Max, tc.score, tc.feedback, fb)
		}
	}
	if reports[0].Executed == nil {
		t.Errorf("right: no executed notebook came back from the container")
	}
	checkFeedback(t, k, reports)
}
