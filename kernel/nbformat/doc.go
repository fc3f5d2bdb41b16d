// Package nbformat reads and writes Jupyter notebooks in nbformat 4
// (https://nbformat.readthedocs.io/en/latest/format_description.html) and
// records kernel outputs into them the way a Jupyter front end does.
//
// # Overview
//
// [ReadFile] parses a notebook; cell sources, stream texts and MIME data may
// be stored either as one string or as a list of lines, and are joined into
// one string. [Notebook.Marshal] writes nbformat 4.5, as Jupyter does: keys
// sorted, one-space indent, multi-line strings split into lists of lines,
// and a unique id on every cell (added where missing). Fields this package
// does not model (metadata of any kind, unknown keys at any level) are kept
// as they were read, so a read-write round trip loses nothing.
// [WriteFile] writes atomically: a temporary file in the same directory,
// fsync, then rename, so an interrupted write never leaves half a notebook.
//
// [Recorder] applies kernel output messages (stream, display_data,
// update_display_data, execute_result, error, clear_output) to cells.
//
// # Errors
//
// Read errors name the file and what is wrong with it.
package nbformat
