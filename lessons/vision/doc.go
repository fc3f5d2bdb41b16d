// Package vision holds the building blocks of lecture 03, "Seeing inside a network"
// (notebooks/03-seeing-inside-a-network).
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
// # Inside Tiny YOLO
//
// FilterImages shows a first convolutional layer's filters as RGB images and FeatureMaps a
// layer's feature maps for one photo, both ready for widgets.ImageGrid. A Unit is one channel of
// one layer; ActivationMax finds an input that excites it by gradient ascent (AscentStep) with
// optional natural-image priors (Prior: L2 decay, total variation, jitter, blur), and
// Unit.BestPhoto and TotalVariation measure the result against the photographs.
//
// CheckSoftThreshold and CheckAscentStep grade a student's shrinkage and ascent steps, as lessons/rl grades its exercises;
// CheckSoftThresholdCases and CheckAscentStepCases do so on given cases, each aimed at one mistake (the lecture's hidden tests).
package vision
