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
// layer's feature maps for one photo, both ready for widgets.ImageGrid (lecture 02's MNIST CNN,
// whose filters the lecture shows beside them, is in lessons/digits). An Objective is what
// activation maximisation raises: a Unit (one channel of one layer) or a ClassScore (the region
// head's logit for one COCO class at one grid cell). ActivationMax finds an input that excites
// it by gradient ascent (AscentStep) with optional natural-image priors (Prior, LecturePrior: L2
// decay, total variation, jitter, blur); Maximize runs it without and with the prior and measures
// both against the best photograph (BestPhoto), with HighFrequency and TotalVariation.
// TinyYOLOAt builds the same network for a smaller input, where only a central unit matters.
//
// # Hubel and Wiesel
//
// MeasureCells shows a layer drifting gratings (Grating) and measures each channel's centre unit
// as a Cell: orientation tuning and its selectivity (OrientationSelectivity, 1 − circular
// variance), and the modulation ratio F1/F0 over a drift cycle (ModulationRatio), > 1 for a simple
// cell and < 1 for a complex one. Gratings.Run (LectureGratings) keeps each layer's most
// orientation-selective cells (MostSelective) and the fraction that are simple (FractionSimple).
// TopCrops finds the photo crops that excite a last-layer unit most: a "grandmother cell".
//
// CheckSoftThreshold and CheckAscentStep grade a student's shrinkage and ascent steps, as lessons/rl grades its exercises;
// CheckSoftThresholdCases and CheckAscentStepCases do so on given cases, each aimed at one mistake (the lecture's hidden tests).
package vision
