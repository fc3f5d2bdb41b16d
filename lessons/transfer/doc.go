// Package transfer is lecture 04's transfer-learning experiment
// (notebooks/04-transfer-learning-and-style.ipynb): it reproduces the deck's 2×2 table of
// advice — how much to fine-tune, by how similar the new data set is to the source's and how
// much of it there is — by measurement, with Tiny YOLOv2 trained on COCO (lessons/backbone) as
// the source network.
//
// The strategies (Strategy): a linear classifier (softmax regression) on the features of each
// stage of the trunk (conv_0 … conv_13) averaged over a 2×2 grid of positions, fine-tuning the
// last k convolutional layers with a head that starts as the top-layer linear classifier (as
// is usual: fine-tuning starts where that classifier ended, not from a random head), and the
// same architecture trained from scratch.
// Features and the maps the fine-tuned layers start from are computed once per data set
// (Features) and reused by every strategy, split and seed.
package transfer
