package rl_test

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/deepnb/deepnb/dl/nn"
	"github.com/deepnb/deepnb/lessons/rl"
)

func TestQNetSaveLoad(t *testing.T) {
	a := rl.NewQNet(rand.New(rand.NewPCG(1, 1)), 16, 8, 4)
	b := rl.NewQNet(rand.New(rand.NewPCG(2, 2)), 16, 8, 4)
	var buf bytes.Buffer
	if err := nn.Save(&buf, a); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "l2.bias") {
		t.Errorf("saved file lacks the name l2.bias")
	}
	if err := nn.Load(&buf, b); err != nil {
		t.Fatal(err)
	}
	qa, qb := rl.QValues(a, rl.OneHot(16), 16), rl.QValues(b, rl.OneHot(16), 16)
	if !slices.EqualFunc(qa, qb, slices.Equal) {
		t.Errorf("loaded network computes other Q values")
	}
}

func TestFeatures(t *testing.T) {
	g := rl.NewGridWorld(2, 3)
	if got, want := rl.GridFeatures(g)(4), []float32{0, 1, 0, 1, 0}; !slices.Equal(got, want) {
		t.Errorf("GridFeatures(state 4 = (1,1)) = %v, want %v", got, want)
	}
	if got, want := rl.OneHot(3)(2), []float32{0, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("OneHot(3)(2) = %v, want %v", got, want)
	}
}

func TestPanics(t *testing.T) {
	g := rl.NewGridWorld(2, 2)
	for i, tc := range []struct {
		f    func()
		want string
	}{
		{func() { rl.NewGridWorld(0, 3) }, "bad size"},
		{func() { g.State(rl.Cell{Row: 2, Col: 0}) }, "outside"},
		{func() { g.SetState(4) }, "out of range"},
		{func() { g.Step(0) }, "before Reset"},
		{func() { g.Reset(1); g.Step(4) }, "action 4 out of range"},
		{func() { rl.Board{}.Play(0).Play(0) }, "illegal move 0"},
		{func() { var a rl.TTTAgent; a.Move(rl.Board{X, X, X, O, O}) }, "finished game"},
	} {
		msg := func() (msg string) {
			defer func() { msg, _ = recover().(string) }()
			tc.f()
			return ""
		}()
		if !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "rl: ") {
			t.Errorf("case %d: panic %q, want one mentioning %q", i, msg, tc.want)
		}
	}
	if rl.X.Other() != rl.O || rl.O.Other() != rl.X {
		t.Errorf("Other: X → %v, O → %v", rl.X.Other(), rl.O.Other())
	}
	var env rl.TicTacToe
	if env.NumActions() != 9 {
		t.Errorf("TicTacToe.NumActions = %d", env.NumActions())
	}
}

const X, O = rl.X, rl.O
