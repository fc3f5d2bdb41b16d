package lecturetest_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/deepnb/deepnb/kernel/kerneltest"
)

// TestReinforcementLearning runs notebooks/05-reinforcement-learning.ipynb headlessly through the
// deepnb kernel with shortened training (skipped under -short) and checks its outputs: the
// textbook numbers of the grid world, the exercise checks, the pictures, and the tic-tac-toe
// scoreboard. A fresh cacheTag makes the cached training cells train again.
func TestReinforcementLearning(t *testing.T) {
	tag := fmt.Sprintf("test-%d", time.Now().UnixNano())
	params := map[string]string{
		"episodes":      "500",
		"dqnSteps":      "2000",
		"slipperySteps": "2000",
		"selfPlayGames": "20000",
		"pgEpisodes":    "150",
		"cacheTag":      tag,
	}
	ckpt := filepath.Join(os.TempDir(), "deepnb-05", "reinforce-"+tag+"-150.safetensors")
	t.Cleanup(func() {
		removeCache(t, "rl05-"+tag+"-")
		os.Remove(ckpt)
	})
	nb := kerneltest.Run(t, notebook(t, "05-reinforcement-learning.ipynb"), params)
	kerneltest.NoErrors(t, nb)

	for i, tc := range []struct {
		cell   string
		images int      // at least this many image/png outputs, all decoding
		want   []string // substrings of the cell's stdout
		re     []string // regular expressions matching it
	}{
		{cell: "episode", images: 1, want: []string{"T . . .", "P[1][left ] = [{Prob:1 Next:0 Reward:-1 Terminal:true}]"}, re: []string{`return -\d+`}},
		{cell: "policy-evaluation", images: 1, want: []string{
			"   0.00 -14.00 -20.00 -22.00\n -14.00 -18.00 -20.00 -20.00\n -20.00 -20.00 -18.00 -14.00\n -22.00 -20.00 -14.00   0.00",
		}, re: []string{`policy evaluation converged after \d+ sweeps`, `max \|V − exact\| = \d\.\de-(09|1\d)`}},
		{cell: "exercise-bellman", want: []string{"✓ Bellman backup: 300 cases pass"}},
		{cell: "value-iteration", images: 1, want: []string{
			"value iteration converged in 4 sweeps",
			"   0.00  -1.00  -2.00  -3.00\n  -1.00  -2.00  -3.00  -2.00\n  -2.00  -3.00  -2.00  -1.00\n  -3.00  -2.00  -1.00   0.00",
			"max |V_VI − V_PI| = 0.0e+00; its policy is optimal in 14/14 states",
		}},
		{cell: "slider", images: 1, re: []string{`value iteration converged in \d+ sweeps`}},
		{cell: "exercise-epsilon", want: []string{"✓ ε-greedy: 20 cases pass"}},
		{cell: "exercise-q-update", want: []string{"✓ Q-learning update: 200 cases pass"}},
		{cell: "q-learning", images: 2, want: []string{"optimal return from a random start: -2.00 (the mean of V* over the 14 start cells)"},
			re: []string{`Q-learning greedy policy optimal in \d+/14 states`, `SARSA +greedy policy optimal in \d+/14 states`}},
		{cell: "dqn-grid", images: 2, re: []string{`DQN on the 4×4 grid \(2000 steps, \d+ episodes\): greedy policy optimal in \d+/14 states`}},
		{cell: "dqn-slippery", images: 1, re: []string{`optimal value of the start: -\d+\.\d\d`, `DQN \(row/column features\) +after \d+ episodes: greedy policy worth -\d+\.\d\d`}},
		{cell: "cartpole", images: 1, want: []string{"step 0: x = "}, re: []string{`random pushes: the pole falls after \d+ steps \(θ = -?\d+\.\d°, x = -?\d+\.\d\d m\)`}},
		{cell: "reinforce", images: 2, want: []string{"trained seed 1's policy and saved it to " + ckpt}, re: []string{
			`seed 1: (solved after \d+ episodes|not solved within 150 episodes \(mean return of the last 100: \d+\.\d\))`,
			`seed 2: (solved after|not solved within 150)`,
			`seed 3: (solved after|not solved within 150)`,
			`trained policy, most probable action +over 100 new episodes: mean return \d+\.\d \(solved: (true|false)\)`,
			`trained policy, actions drawn from π +over 100 new episodes: mean return \d+\.\d \(solved: (true|false)\)`,
			`after \d+ steps of the trained policy: step \d+: x = `,
		}},
		{cell: "tictactoe", images: 1, want: []string{"value of the empty board: 0", "winning moves [3 4 6]"}, re: []string{`minimax vs random, 1000 games each: as X W \d+  D \d+  L 0, as O W \d+  D \d+  L 0`}},
		{cell: "self-play", images: 1, re: []string{`20000 self-play games; \d+ afterstates in the table`}},
		{cell: "scoreboard", re: []string{
			`random \(1000 games\) +W \d+  D \d+  L 0 +W \d+  D \d+  L 0`,
			`minimax \(100 games\) +W 0  D 100  L 0 +W 0  D 100  L 0`,
			`every minimax line \(full tree\) +never loses +never loses`,
			`every opponent \(full tree\) +never loses +never loses`,
			`win rate against random: (9\d|100)\.\d%`,
			`against a perfect player, the agent trained here \(20000 self-play games\) never loses as X and never loses as O`,
		}},
		{cell: "play", images: 2, re: []string{`agent \(X\) vs minimax \(O\): 9 moves, winner \.`}},
	} {
		c := kerneltest.Cell(t, nb, tc.cell)
		out := kerneltest.Stdout(c)
		if n := len(kerneltest.Images(t, c)); n < tc.images {
			t.Errorf("case %d: cell %q: %d images, want at least %d", i, tc.cell, n, tc.images)
		}
		checkStdout(t, fmt.Sprintf("case %d: cell %s", i, tc.cell), out, tc.want, tc.re)
	}
	// The playable board is HTML with its script.
	found := false
	for _, h := range kerneltest.Outputs(kerneltest.Cell(t, nb, "play"), "text/html") {
		if s, _ := h.(string); strings.Contains(s, "rl05_ttt_click(8)") && strings.Contains(s, "<script>") {
			found = true
		}
	}
	if !found {
		t.Errorf("cell \"play\": no playable board HTML output")
	}
}
