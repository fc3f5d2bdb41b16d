package rl

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// CartPole's constants, Gymnasium's CartPole-v1 (gymnasium/envs/classic_control/cartpole.py).
const (
	CartPoleGravity   = 9.8                    // m/s²
	CartPoleMassCart  = 1.0                    // kg
	CartPoleMassPole  = 0.1                    // kg
	CartPoleLength    = 0.5                    // half the pole's length, m
	CartPoleForce     = 10.0                   // N, the push of either action
	CartPoleTau       = 0.02                   // s between steps
	CartPoleXLimit    = 2.4                    // |x| beyond this terminates
	CartPoleThetaMax  = 12 * 2 * math.Pi / 360 // rad (0.2095): |θ| beyond this terminates
	CartPoleMaxSteps  = 500                    // episodes are truncated after this many steps
	CartPoleSolved    = 475                    // "solved": average return over 100 episodes at least this
	cartPoleInitRange = 0.05                   // initial state uniform in ±this
	cartPoleTotalMass = CartPoleMassCart + CartPoleMassPole
	cartPolePoleML    = CartPoleMassPole * CartPoleLength
)

// CartPole is Gymnasium's CartPole-v1 written in Go: a pole hinged on a cart that moves along a
// frictionless track; action 0 pushes the cart left and 1 right with a force of 10 N. The
// observation is the state (x, ẋ, θ, θ̇): cart position and velocity, pole angle (0 = upright)
// and angular velocity. Each step the dynamics of Barto, Sutton and Anderson (1983), as Gymnasium
// writes them,
//
//	temp = (F + m_p·l·θ̇²·sin θ) / (m_c + m_p)
//	θ̈ = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ / (m_c + m_p)))
//	ẍ = temp − m_p·l·θ̈·cos θ / (m_c + m_p)
//
// advance by one Euler step of τ = 0.02 s (x += τ·ẋ, ẋ += τ·ẍ, θ += τ·θ̇, θ̇ += τ·θ̈, each from the
// old values). The reward is 1 for every step, the last one included. The episode terminates
// when |x| > 2.4 or |θ| > 12° and is truncated after 500 steps; Reset draws every state variable
// uniformly from ±0.05. The zero value is ready after Reset.
//
// Introduced in notebooks/05-reinforcement-learning.
type CartPole struct {
	State [4]float64 // x, ẋ, θ, θ̇
	Steps int        // steps taken in this episode
	done  bool
}

// Reset starts an episode from a state drawn uniformly from ±0.05 with a generator seeded by
// seed, and returns it.
func (c *CartPole) Reset(seed uint64) [4]float64 {
	rng := rand.New(rand.NewPCG(seed, 0x5ca1ab1e))
	for i := range c.State {
		c.State[i] = (2*rng.Float64() - 1) * cartPoleInitRange
	}
	c.Steps, c.done = 0, false
	return c.State
}

// Step pushes the cart left (action 0) or right (1) for one time step and returns the new state,
// the reward 1, and whether the episode terminated or was truncated. It panics for another action
// or after the episode ended.
func (c *CartPole) Step(action int) (obs [4]float64, reward float64, terminated, truncated bool) {
	if action != 0 && action != 1 {
		panic(fmt.Sprintf("rl: CartPole action %d not in {0, 1}", action))
	}
	if c.done {
		panic("rl: CartPole.Step after the episode ended; call Reset")
	}
	c.State = CartPoleDynamics(c.State, action)
	c.Steps++
	x, theta := c.State[0], c.State[2]
	terminated = x < -CartPoleXLimit || x > CartPoleXLimit || theta < -CartPoleThetaMax || theta > CartPoleThetaMax
	truncated = !terminated && c.Steps >= CartPoleMaxSteps
	c.done = terminated || truncated
	return c.State, 1, terminated, truncated
}

// CartPoleDynamics returns the state after one Euler step of τ from s with the given action (see
// CartPole for the equations).
func CartPoleDynamics(s [4]float64, action int) [4]float64 {
	x, xDot, theta, thetaDot := s[0], s[1], s[2], s[3]
	force := -CartPoleForce
	if action == 1 {
		force = CartPoleForce
	}
	cos, sin := math.Cos(theta), math.Sin(theta)
	temp := (force + cartPolePoleML*thetaDot*thetaDot*sin) / cartPoleTotalMass
	thetaAcc := (CartPoleGravity*sin - cos*temp) / (CartPoleLength * (4.0/3.0 - CartPoleMassPole*cos*cos/cartPoleTotalMass))
	xAcc := temp - cartPolePoleML*thetaAcc*cos/cartPoleTotalMass
	return [4]float64{x + CartPoleTau*xDot, xDot + CartPoleTau*xAcc, theta + CartPoleTau*thetaDot, thetaDot + CartPoleTau*thetaAcc}
}

// NumActions returns 2.
func (c *CartPole) NumActions() int { return 2 }

// String prints the state.
func (c *CartPole) String() string {
	s := c.State
	return fmt.Sprintf("step %d: x = %+.3f m, ẋ = %+.3f m/s, θ = %+.2f°, θ̇ = %+.3f rad/s\n", c.Steps, s[0], s[1], s[2]*180/math.Pi, s[3])
}

// Image draws the cart on its track (±2.4 m marked) and the pole (1 m long).
func (c *CartPole) Image() image.Image {
	const W, H, scale = 480, 200, 480 / (2 * 3.0) // 6 m across
	img := newCanvas(W, H, color.RGBA{255, 255, 255, 255})
	track := 150
	gray, dark := color.RGBA{160, 160, 160, 255}, color.RGBA{40, 40, 40, 255}
	thickLine(img, 0, float64(track), W, float64(track), 2, gray)
	for _, lim := range []float64{-CartPoleXLimit, CartPoleXLimit} {
		px := W/2 + lim*scale
		thickLine(img, px, float64(track-10), px, float64(track+10), 2, color.RGBA{200, 60, 60, 255})
	}
	cx := W/2 + c.State[0]*scale
	for y := track - 20; y <= track; y++ {
		for x := int(cx) - 25; x <= int(cx)+25; x++ {
			img.SetRGBA(x, y, dark)
		}
	}
	pole := 2 * CartPoleLength * scale
	top, th := float64(track-20), c.State[2]
	thickLine(img, cx, top, cx+pole*math.Sin(th), top-pole*math.Cos(th), 6, color.RGBA{204, 153, 102, 255})
	fillDisk(img, int(cx), int(top), 4, color.RGBA{100, 100, 200, 255})
	return img
}
