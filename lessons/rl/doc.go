// Package rl holds the building blocks of the reinforcement-learning lecture
// (notebooks/05-reinforcement-learning): environments, dynamic programming, tabular and deep
// Q-learning, tic-tac-toe with minimax and self-play, and the exercise checks the notebook's
// student cells call.
//
// # Overview
//
// A Markov decision process (MDP) is (S, A, R, P, γ): states, actions, rewards, the transition
// probabilities P(s′, r | s, a) and the discount γ. The return from step t is
//
//	R_t = r_t + γ·r_{t+1} + γ²·r_{t+2} + …
//
// and the goal is the policy π(a|s) with the largest expected return.
//
// Environments have one shape, close to Gymnasium's (see Env): Reset(seed) gives the first
// observation, Step(action) gives the next observation, the reward, and whether the episode
// terminated (a terminal state) or was truncated (a step limit). GridWorld is configurable and
// exposes its full transition table (GridWorld.MDP) for dynamic programming; TicTacToe is a
// two-player game with legal-move masks; CartPole is Gymnasium's CartPole-v1 (a pole on a cart,
// four real state variables) written in Go.
//
// Dynamic programming works on an *MDP: PolicyEvaluation, ValueIteration and PolicyIteration
// each have a Sweeps variant returning an iter.Seq of snapshots for animations. Learning from
// experience: QLearning and SARSA (tabular, ε-greedy), DQN (a small dl network with a replay
// buffer and a target network), and REINFORCE, the policy gradient with a learned baseline, which
// represents the policy itself by a network (PolicyNet) and solves CartPole (EvaluatePolicy,
// SolvedAfter). Games: Minimax (memoised negamax, perfect play), SelfPlay (an
// afterstate-value agent trained against itself) and Evaluate (win/draw/loss tables).
//
// Pictures and numbers for the lecture: View draws a grid world with values and the greedy
// actions of a Q table as arrows (with widgets.GridWorld), ViewQ a learned Q table, and
// GridWorld.FormatValues prints values laid out as the grid. CompareQ and OptimalStates measure a
// learned Q against dynamic programming's optimum; MaxQ, MaxAbsDiff and WinRates are the small
// computations the lecture's cells print and plot.
//
// Everything random takes a seed: the same seed replays the same episode, the same training run.
//
// # Exercise checks
//
// CheckBellmanBackup, CheckEpsilonGreedy and CheckQUpdate run a student's function against the
// reference on many cases and return a CheckResult, which prints as a pass or as the first
// failing case with a hint.
//
// # Errors
//
// Programmer errors panic (an out-of-range action, an illegal tic-tac-toe move, a bad
// configuration) with a message that starts with "rl: ". Nothing here does I/O.
package rl
