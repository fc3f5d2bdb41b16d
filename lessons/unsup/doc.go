// Package unsup holds the unsupervised-learning examples of lecture 07, "Supervised,
// unsupervised and generative learning" (notebooks/07a-supervised-and-unsupervised): each finds
// structure in MNIST digits without their labels, and each is scored against the labels it never
// saw.
//
//   - Clustering: KMeans (Lloyd's iterations from k-means++ seeding) scored by NMI and Purity.
//   - Dimensionality reduction: PCA (gonum's SVD) and TSNE (exact t-SNE, van der Maaten and
//     Hinton 2008), scored by KNNAccuracy in the embedding and Trustworthiness (Venna and
//     Kaski 2001).
//   - Feature learning: an Autoencoder (optionally denoising) whose code feeds a linear
//     classifier trained on a few labels (FitProbe). Its fully connected EncoderDecoder is
//     also lessons/gen's VAE's.
//   - Density estimation: a Gaussian mixture fitted by EM (FitGMM) against a kernel density
//     estimate (KDE), both scored by held-out log-likelihood.
//
// Points are rows of a [][]float64; Rows converts a batch tensor.
package unsup
