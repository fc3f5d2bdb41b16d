package rl

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/deepnb/deepnb/lessons/stats"
)

// TestCartPoleDynamics checks one Euler step against Gymnasium's CartPole-v1 equations worked
// out by hand.
func TestCartPoleDynamics(t *testing.T) {
	for _, tc := range []struct {
		name   string
		s      [4]float64
		action int
		want   [4]float64
	}{
		// At rest, upright, pushed right (F = 10): temp = 10/1.1 = 100/11;
		// θ̈ = −(100/11) / (0.5·(4/3 − 0.1/1.1)) = −(100/11)/(41/66) = −600/41;
		// ẍ = 100/11 − 0.05·(−600/41)/1.1 = 400/41; after τ = 0.02: ẋ = 8/41, θ̇ = −12/41, x = θ = 0.
		{"rest, push right", [4]float64{}, 1, [4]float64{0, 8.0 / 41, 0, -12.0 / 41}},
		// The mirror image: pushed left.
		{"rest, push left", [4]float64{}, 0, [4]float64{0, -8.0 / 41, 0, 12.0 / 41}},
		// A general state, pushed left (F = −10): temp = (−10 + 0.05·0.09·sin 0.05)/1.1 = −9.0907046,
		// θ̈ = (9.8·sin 0.05 − cos 0.05·temp)/(0.5·(4/3 − 0.1·cos²0.05/1.1)) = 15.4011657,
		// ẍ = temp − 0.05·θ̈·cos 0.05/1.1 = −9.7898827; Euler from the old values:
		// x = 0.1 + 0.02·(−0.2), ẋ = −0.2 + 0.02·ẍ, θ = 0.05 + 0.02·0.3, θ̇ = 0.3 + 0.02·θ̈.
		{"moving, push left", [4]float64{0.1, -0.2, 0.05, 0.3}, 0, [4]float64{0.096, -0.3957976546, 0.056, 0.6080233136}},
	} {
		got := CartPoleDynamics(tc.s, tc.action)
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-9 {
				t.Errorf("%s: state %v, want %v", tc.name, got, tc.want)
				break
			}
		}
	}
}

// TestCartPoleEpisodeEnd checks termination at |x| > 2.4 and |θ| > 12° (0.2095 rad) and
// truncation after 500 steps.
func TestCartPoleEpisodeEnd(t *testing.T) {
	if got := CartPoleThetaMax; math.Abs(got-0.2095) > 1e-4 {
		t.Errorf("θ limit %v rad, want 0.2095", got)
	}
	for _, tc := range []struct {
		name                  string
		s                     [4]float64
		steps                 int
		terminated, truncated bool
	}{
		{"cart inside", [4]float64{2.39, 0.4, 0, 0}, 0, false, false},       // x → 2.398
		{"cart leaves right", [4]float64{2.39, 1, 0, 0}, 0, true, false},    // x → 2.41
		{"cart leaves left", [4]float64{-2.39, -1, 0, 0}, 0, true, false},   // x → −2.41
		{"pole falls right", [4]float64{0, 0, 0.209, 0.1}, 0, true, false},  // θ → 0.211
		{"pole falls left", [4]float64{0, 0, -0.209, -0.1}, 0, true, false}, // θ → −0.211
		{"pole within 12°", [4]float64{0, 0, 0.2, 0.1}, 0, false, false},    // θ → 0.202
		{"step 500 truncates", [4]float64{}, 499, false, true},              // upright at step 500
		{"step 499 goes on", [4]float64{}, 498, false, false},               //
		{"falling at step 500 terminates", [4]float64{2.39, 1, 0, 0}, 499, true, false},
	} {
		c := CartPole{State: tc.s, Steps: tc.steps}
		_, r, term, trunc := c.Step(1)
		if r != 1 || term != tc.terminated || trunc != tc.truncated {
			t.Errorf("%s: reward %v, terminated %v, truncated %v; want 1, %v, %v", tc.name, r, term, trunc, tc.terminated, tc.truncated)
		}
	}
	// Pushing right all the time tips the pole over to the left within a few dozen steps.
	var c CartPole
	c.Reset(1)
	for n := 1; ; n++ {
		s, _, term, trunc := c.Step(1)
		if term {
			if s[2] > -CartPoleThetaMax || n > 100 {
				t.Errorf("always right: ended after %d steps at θ = %v, want the pole fallen left", n, s[2])
			}
			break
		}
		if trunc || n > 500 {
			t.Fatalf("always right: not terminated after %d steps", n)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Step after the end did not panic")
		}
	}()
	c.Step(0)
}

// TestCartPoleSeed checks that Reset draws each state variable from ±0.05 and that the same seed
// and actions replay the same episode.
func TestCartPoleSeed(t *testing.T) {
	run := func(seed uint64) [][4]float64 {
		var c CartPole
		states := [][4]float64{c.Reset(seed)}
		rng := rand.New(rand.NewPCG(seed, 9))
		for {
			s, _, term, trunc := c.Step(rng.IntN(2))
			states = append(states, s)
			if term || trunc {
				return states
			}
		}
	}
	a, b, other := run(3), run(3), run(4)
	if len(a) != len(b) {
		t.Fatalf("same seed: %d and %d steps", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("same seed: step %d differs: %v vs %v", i, a[i], b[i])
		}
	}
	if a[0] == other[0] {
		t.Errorf("seeds 3 and 4 start alike: %v", a[0])
	}
	for seed := range uint64(200) {
		var c CartPole
		for _, v := range c.Reset(seed) {
			if math.Abs(v) > 0.05 {
				t.Fatalf("seed %d: initial state %v outside ±0.05", seed, c.State)
			}
		}
	}
}

// TestREINFORCELearns trains a policy network for 250 episodes on a fixed seed (a few seconds;
// seeds 1–5 all reach a greedy return of 200 or more there, 440–470 for most): its greedy policy
// must balance the pole far longer than the untrained one (about 9 steps).
func TestREINFORCELearns(t *testing.T) {
	p := NewPolicyNet(rand.New(rand.NewPCG(1, 1)), 4, 32, 2)
	before := stats.Mean(EvaluatePolicy(p, 20, 1000, nil))
	r := REINFORCE(p, ReinforceConfig{Episodes: 250, Seed: 1})
	after := stats.Mean(EvaluatePolicy(p, 20, 1000, nil))
	last := stats.Mean(r.Returns[200:])
	t.Logf("greedy return before %.1f, after %.1f; training episodes 200–250: %.1f", before, after, last)
	if len(r.Returns) != 250 || r.SolvedAt != 0 {
		t.Errorf("%d episodes, solved at %d; want 250 and 0 (unsolved)", len(r.Returns), r.SolvedAt)
	}
	if after < 100 || after < 5*before || last < 60 {
		t.Errorf("greedy return before %.1f, after %.1f; training episodes 200–250: %.1f; want after ≥ 100 and ≥ 5×before, training ≥ 60", before, after, last)
	}
	// The same config and initial policy replay the same run.
	p2 := NewPolicyNet(rand.New(rand.NewPCG(1, 1)), 4, 32, 2)
	r2 := REINFORCE(p2, ReinforceConfig{Episodes: 250, Seed: 1})
	for i := range r.Returns {
		if r.Returns[i] != r2.Returns[i] {
			t.Fatalf("same seed: episode %d returned %v and %v", i, r.Returns[i], r2.Returns[i])
		}
	}
}
