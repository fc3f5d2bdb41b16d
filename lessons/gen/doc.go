// Package gen holds the generative models of lecture 07, "Supervised, unsupervised and
// generative learning" (notebooks/07b-generative-models): training data ~ p_data(x), samples
// ~ p_model(x), and the wish that p_model be like p_data — made measurable.
//
//   - VAE: a variational autoencoder (Kingma and Welling 2014) on binarised MNIST, with its
//     evidence lower bound (ELBO) in nats, samples from the prior, a walk of its 2-D latent
//     space and interpolations; its encoder and decoder are lessons/unsup's EncoderDecoder.
//   - GAN: a small DCGAN-style generative adversarial network (Goodfellow et al. 2014, Radford
//     et al. 2016), its two losses and its samples.
//   - Judge: lecture 02's MNIST CNN (lessons/digits: loaded from lecture 02's checkpoint or
//     trained once with its recipe) as the judge of samples: FrechetDistance between the
//     penultimate features of real and generated digits (an FID for digits), the predicted
//     labels' spread (LabelEntropy) and the classifier's confidence, and NearestNeighbours in
//     the training set, to show that samples are not copies.
package gen
