// Package grade turns an instructor's lecture notebook into a student version
// and grades students' submissions against it through the real kernel.
//
// # Conventions
//
// An instructor's notebook (the key) marks its exercises with cell tags
// (metadata.tags) and metadata.deepnb fields:
//
//   - An exercise cell is tagged "exercise" and names its exercise with
//     metadata.deepnb.exercise (an id such as "bellman"; optionally
//     metadata.deepnb.name, a title for the gradebook and the feedback). Its
//     solution lies between the lines
//
//     // BEGIN SOLUTION [what to do]
//     ...
//     // END SOLUTION
//
//     inside a function body. The student version replaces each such region
//     with a stub that compiles (GoNB keeps a cell's declarations only when
//     it compiles, so a broken stub would break every later cell):
//
//     // TODO(exercise bellman): what to do
//     panic("exercise bellman is not done yet: replace this panic with your code")
//
//     A stub panics rather than returning zero values, so that the lesson's
//     checks (which recover panics) say "not done yet" instead of "wrong".
//
//   - A check cell is tagged "check": it gives immediate, visible feedback
//     through the lesson package's checks (fmt.Println(rl.CheckQUpdate(qUpdate))).
//     It stays in the student version and is not graded. An exercise cell may
//     also be its own check cell (the declarations before "%%", the check after).
//
//   - A hidden-test cell is tagged "hidden-test" and carries
//     metadata.deepnb.exercise (the exercise it grades), metadata.deepnb.points
//     (> 0), metadata.deepnb.name (what it tests, shown to the student) and
//     optionally metadata.deepnb.hint (shown when it fails). Its code must have
//     a "%%" line: the test passes when the code after it runs to its end and
//     fails when it does not compile, panics, exits, returns early or times
//     out. What it prints is shown to the student; its source never is.
//     Hidden tests are removed from the student version, as are markdown
//     cells tagged "hidden-test" (the instructor's notes about them).
//
// An exercise is worth the sum of its hidden tests' points: several tests per
// exercise, each aimed at one mistake, give partial credit.
//
// # Student versions
//
// [Student] returns the student version: solutions replaced by stubs, hidden
// tests removed, outputs and execution counts cleared. [Leaks] checks that no
// line of a solution or a hidden test survives in it.
//
// # Grading
//
// [Grade] runs a submission headlessly in a fresh kernel in its own working
// folder: the submission's cells (any cell it tagged "hidden-test" dropped),
// then the key's hidden tests, taken from the key, all in one cell (one
// compilation). Each test's code runs in a function literal of its own that
// recovers panics, between lines printing a fresh random token; it passes
// only if its "passed" line shows, so a submission cannot fake a pass (by
// exiting early from an init function, say). If that cell does not compile
// or stops before every test has begun, the notebook runs again with a cell
// per test. Errors in the student's cells do not stop the run; a cell that
// times out or kills the kernel ends it, and the notebook runs again with
// only that cell's declarations (at most MaxReruns times).
// With [Options].Docker set, each submission runs instead in a container
// of the students' image with no network, the key and the submission
// mounted read-only and a folder mounted for the gradebook that the
// image's own `deepnb grade` writes ([DockerArgs]).
// [GradeAll] grades many submissions, N at a time, and [WriteCSV],
// [WriteJSON] and [Feedback] write the gradebook and each student's feedback.
package grade
