// Package vision holds the building blocks of lecture 03, "Seeing inside a network".
//
// # Olshausen & Field sparse coding
//
// Patches samples grey patches from the committed natural photographs (seeded); Whitening
// decorrelates them (ZCA, from their PCA); SparseCoding learns an overcomplete-or-complete
// dictionary whose codes are found by FISTA (iterated soft thresholding, SoftThreshold),
// followed by a gradient step on the dictionary and column normalisation, as in Olshausen and
// Field (Nature 1996). PCA gives the global, non-localised basis of the same patches for
// comparison. FitGabor fits a 2-D Gabor function to a basis function and reports R²;
// Kurtosis and MeanAbsCorrelation measure the sparseness and redundancy of a code.
//
// CheckSoftThreshold grades a student's shrinkage step, as lessons/rl grades its exercises.
package vision
