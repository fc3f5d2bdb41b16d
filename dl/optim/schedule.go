package optim

import "math"

// Schedule gives the learning rate for a step or epoch number (counting from 0). Use it by
// assigning to an optimizer's LR field: opt.LR = sched(epoch).
type Schedule func(step int) float32

// StepLR multiplies base by gamma every `every` steps: η(t) = base·gamma^⌊t/every⌋.
// StepLR panics if every < 1.
func StepLR(base float32, every int, gamma float32) Schedule {
	if every < 1 {
		panic("optim: StepLR: every must be at least 1")
	}
	return func(t int) float32 {
		return base * float32(math.Pow(float64(gamma), float64(t/every)))
	}
}

// CosineLR anneals from base to floor over total steps along half a cosine and stays at floor
// after: η(t) = floor + (base−floor)·(1 + cos(π·t/total))/2. CosineLR panics if total < 1.
func CosineLR(base, floor float32, total int) Schedule {
	if total < 1 {
		panic("optim: CosineLR: total must be at least 1")
	}
	return func(t int) float32 {
		if t >= total {
			return floor
		}
		return floor + (base-floor)*float32(1+math.Cos(math.Pi*float64(t)/float64(total)))/2
	}
}
