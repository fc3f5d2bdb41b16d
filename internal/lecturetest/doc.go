// Package lecturetest holds the tests that execute the lecture notebooks in notebooks/ with the
// real GoNB kernel — headlessly through the Go runner, through Jupyter's nbconvert and in a
// headless browser — and check their outputs. It keeps notebooks/ for the lectures themselves
// (students see that folder in Jupyter's file list). The shared setup (kernel install, fresh
// working copies, GoNB's cache folders) and the output checks are in helpers_test.go; the
// welcome notebook's expected outputs are in one table, welcomeStdout.
package lecturetest
