// Package stats holds the summary statistics that several lessons share, so that each is
// written once:
//
//   - Mean, the mean of returns in notebooks/05-reinforcement-learning (lessons/rl's Mean) and
//     of the judge's confidences in notebooks/07b-generative-models (lessons/gen);
//   - MeanStd, the mean and population standard deviation with which the regression example of
//     notebooks/07a-supervised-and-unsupervised standardises its features (and the linear probe
//     of the same lecture its codes), and with which notebooks/05-reinforcement-learning
//     normalises its returns;
//   - ColMeans, the column means of rows of features: the linear probe's centring, the Gaussian
//     mixture's first covariance (lessons/unsup) and the Fréchet distance of
//     notebooks/07b-generative-models (lessons/gen).
//
// All work on float64 values in a fixed order, so the same input gives the same bits.
//
// # Errors
//
// Mean and MeanStd return NaN for an empty slice, as 0/0 does; ColMeans panics on no rows (a
// programmer error).
package stats
