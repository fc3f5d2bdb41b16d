package dl

import (
	"errors"
	"fmt"
)

// ErrArg is matched (with errors.Is) by every *ArgError.
var ErrArg = errors.New("dl: invalid argument")

// ArgError is the value dl and dl/nn panic with when an op or a constructor is given an
// argument outside its domain that is not a shape: a probability outside [0, 1], a negative
// stride, a size that is not positive, bounds in the wrong order. It is a programmer error, as a
// *ShapeError is; the message names the op, the argument and its value, e.g.
// "dl: Dropout: probability 1.5 not in [0, 1]".
type ArgError struct {
	Op    string // the op or constructor that panicked, e.g. "Dropout" or "NewConv2D"
	Arg   string // the argument, e.g. "probability"
	Value any    // its value
	Msg   string // what is wrong with it, e.g. "not in [0, 1]"
}

// Error implements error.
func (e *ArgError) Error() string {
	return fmt.Sprintf("dl: %s: %s %v %s", e.Op, e.Arg, e.Value, e.Msg)
}

// Is reports whether target is ErrArg.
func (e *ArgError) Is(target error) bool { return target == ErrArg }
