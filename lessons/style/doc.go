// Package style is lecture 04's neural style transfer after Gatys, Ecker and Bethge (2015,
// "A Neural Algorithm of Artistic Style"), with the deck's constants, on the features of Tiny
// YOLOv2's trunk (lessons/backbone) instead of VGG's
// (notebooks/04-transfer-learning-and-style.ipynb).
//
// For a layer l with N_l channels of M_l = H·W positions, F is the generated image's feature
// matrix [N_l, M_l], P the content photo's and A the painting's Gram matrix:
//
//	L_content = ½ Σ (F − P)²                         ContentLoss
//	G = F Fᵀ                                          Gram
//	E_l = 1/(4 N_l² M_l²) Σ (G − A)²                  StyleLayerLoss
//	L_style = Σ_l w_l E_l  (w_l = 1/|layers|)
//	L_total = α L_content + β L_style
//
// dl/nn's ContentLoss is a mean: ½Σ(F − P)² = ½·|F|·nn.ContentLoss(F, P) with |F| = N_l·M_l;
// nn.StyleLoss normalises the Gram matrix by N_l·M_l: E_l = (N_l²/4)·nn.StyleLoss (the tests
// check both factors).
// Transfer minimises L_total over the image's pixels with L-BFGS (as Gatys et al.) or Adam,
// recording the losses and the time of every iteration.
package style
