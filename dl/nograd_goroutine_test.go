package dl_test

import (
	"testing"

	"github.com/deepnb/deepnb/dl"
	"github.com/deepnb/deepnb/dl/internal/numtest"
)

// TestNoGradDoesNotLeakAcrossGoroutines evaluates without a graph on one goroutine, between two
// steps of a graph being recorded on another: the recording one must get its full gradient,
// ∂Σx²/∂x = 2x. (With the old process-wide switch, dl.NoGrad(f) on the first goroutine turned
// recording off on the second: x.Grad() was nil.)
func TestNoGradDoesNotLeakAcrossGoroutines(t *testing.T) {
	t.Parallel()
	w := dl.New(f32s(1, 2), 2).SetRequiresGrad(true)
	inside, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		a := w.NoGrad().Mul(w)
		close(inside)
		<-release
		if y := a.Mul(w).Sum(); y.RequiresGrad() || !y.IsNoGrad() {
			t.Errorf("no-grad evaluation recorded a graph")
		}
	}()
	<-inside
	x := dl.New(f32s(1, 2, 3), 3).SetRequiresGrad(true)
	y := x.Mul(x)
	close(release)
	y.Sum().Backward()
	<-done
	if x.Grad() == nil {
		t.Fatal("no gradient: the evaluation on another goroutine stopped this one's graph")
	}
	numtest.Close(t, "grad", x.Grad().Data(), f32s(2, 4, 6), numtest.Exact, numtest.Exact)
}
