// Package stats holds the summary statistics that several lessons share, so that each is
// written once: MeanStd, the mean and population standard deviation with which the regression
// example of notebooks/07a-supervised-and-unsupervised standardises its features (and the
// linear probe of the same lecture its codes), and with which notebooks/05-reinforcement-learning
// normalises its returns.
//
// # Errors
//
// None: MeanStd returns NaN for an empty slice, as 0/0 does.
package stats
