package dl

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
)

// ErrShape is matched (with errors.Is) by every *ShapeError.
var ErrShape = errors.New("dl: shape mismatch")

// ShapeError is the value dl panics with when an op is given tensors of shapes it cannot use:
// a programmer error, as gonum's mat.ErrShape. Its message names the op and both shapes, e.g.
// "dl: MatMul: shape mismatch [2 3] × [2 3]".
type ShapeError struct {
	Op   string // the op that panicked, e.g. "MatMul"
	A, B []int  // the shapes involved; B is nil when only one matters
	Msg  string // optional detail; "shape mismatch" when empty
}

// Error implements error.
func (e *ShapeError) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = "shape mismatch"
	}
	if e.B == nil {
		return fmt.Sprintf("dl: %s: %s %v", e.Op, msg, e.A)
	}
	return fmt.Sprintf("dl: %s: %s %v × %v", e.Op, msg, e.A, e.B)
}

// Is reports whether target is ErrShape.
func (e *ShapeError) Is(target error) bool { return target == ErrShape }

// PanicError is the error Try returns for a recovered dl panic, with the stack where it happened.
type PanicError struct {
	Err   error  // the *ShapeError (or other error) dl panicked with
	Stack []byte // the goroutine's stack at the panic
}

// Error implements error.
func (e *PanicError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error, so errors.Is(err, ErrShape) works.
func (e *PanicError) Unwrap() error { return e.Err }

// Try runs f and turns a dl panic (a *ShapeError, or any other error value dl panicked with)
// into a returned *PanicError carrying the stack, as gonum's mat.Maybe does. Training loops and
// display code use it so a notebook cell shows an error, not a crash.
//
// Like mat.Maybe, Try is narrow: runtime errors (an index out of range, a nil dereference,
// also when raised in an op's worker goroutine) and panics with values that are not errors
// propagate unchanged. They are bugs, not bad arguments, and the crash shows their full stack.
func Try(f func()) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		e, ok := r.(error)
		var re runtime.Error
		if !ok || errors.As(e, &re) {
			panic(r)
		}
		err = &PanicError{Err: e, Stack: debug.Stack()}
	}()
	f()
	return nil
}
