// Package regress holds the regression example of lecture 07, "Supervised, unsupervised and
// generative learning" (notebooks/07a-supervised-and-unsupervised): the diabetes data of
// datasets.Diabetes split into training and held-out patients (Split), standardised with the
// training statistics (FitScaler), fitted exactly by least squares with gonum (LeastSquares) and
// by gradient-based training with dl — a linear model (FitLinear, full-batch L-BFGS, which must
// reach the exact solution) and a small multilayer perceptron (FitMLP, Adam) — and scored by
// R² on held-out patients (R2).
package regress
