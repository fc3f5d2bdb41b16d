// Package shapes generates "shapes world": small seeded scenes of one to three coloured shapes
// (circles, squares, triangles) on a black background, each with a caption from a small
// grammar, the box of every object and a per-pixel mask. The captions are true by construction,
// so a captioning model can be measured exactly (BLEU, exact-caption rate) and its attention
// can be checked against the boxes; the masks make the same scenes a segmentation data set.
//
// # Overview
//
// Generate(cfg, seed, n) draws n scenes; NewSplits draws train, validation and test sets from
// independent streams of one seed. A scene's caption names the objects from left to right:
//
//	a red circle
//	a red circle left of a blue square        (two objects, mostly side by side)
//	a green triangle above a yellow circle    (two objects, mostly one over the other)
//	a red circle , a blue square and a green triangle
//
// Scene.WordObject says which object each caption word names (the colour and shape words), or
// −1. Vocab maps words to ids with <pad>, <start> and <end> first; Vocab.Encode and Decode
// convert captions.
//
// Introduced in notebooks/06-rnn-lstm-captioning; lecture 07 reuses the masks.
//
// # Shapes and broadcasting
//
// Images returns scenes as a tensor [N, 3, S, S] with values in [0, 1] (S = Config.Size,
// default 64); Scene.Mask holds S·S bytes, row-major: 0 for background, i+1 for pixels of
// Objects[i]. Boxes are image.Rectangles in pixel coordinates (Max exclusive).
//
// # Errors
//
// Config.Validate reports an impossible configuration (sizes that cannot fit, too many objects
// for the distinct colour-shape pairs); Generate panics on one, as on any programmer error.
package shapes
