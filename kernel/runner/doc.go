// Package runner executes Jupyter notebooks headlessly through a kernel, as
// papermill and nbclient do for Python, with no Python: cell by cell,
// recording outputs, execution counts and timings into the notebook.
//
// # Overview
//
//	res, err := runner.RunFile(ctx, "notebooks/00-welcome.ipynb", runner.Options{
//		Out:    "/tmp/welcome.out.ipynb",
//		Params: []runner.Param{{Name: "epochs", Value: "3"}},
//	})
//
// [Run] executes an in-memory notebook; [RunFile] reads one, injects
// parameters ([InjectParams]), runs it and writes the result atomically.
// The kernel is found by kernelspec name (default "deepnb") in the standard
// Jupyter locations and runs in the notebook's directory.
//
// # Errors
//
// A failed run returns an [*Error] that names the notebook, the cell (its
// 1-based position and id), the first lines of its source, and the real
// message: for GoNB the compiler errors (taken from its HTML error report)
// or the panic and its cell line (from stderr), not just "exit status 2".
// The notebook keeps the outputs produced up to the failure.
package runner
