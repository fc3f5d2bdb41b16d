package rl

import "image"

// Env is the interface shared by the lecture's environments, close to Gymnasium's so that habits
// carry over. O is the observation type: a state index for GridWorld, a Board for TicTacToe.
//
// Introduced in notebooks/05-reinforcement-learning.
type Env[O any] interface {
	// Reset starts a new episode with the random generator seeded by seed and returns the
	// first observation. The same seed (and the same actions) replays the same episode.
	Reset(seed uint64) O
	// Step applies action and returns the next observation, the reward, whether the episode
	// reached a terminal state and whether it was cut short (truncated) by a step limit.
	Step(action int) (obs O, reward float64, terminated, truncated bool)
	// NumActions is the number of actions; actions are 0…NumActions()-1.
	NumActions() int
	// String renders the current state as text.
	String() string
	// Image renders the current state as an image.
	Image() image.Image
}
