package datasets

import "github.com/deepnb/deepnb/dl"

// MNIST returns the first n of MNIST's 60,000 training digits and the first testN of its 10,000
// test digits (all of a split when the number exceeds its size), as LoadMNIST loads them: images
// [N, 1, 28, 28] with pixels in [0, 1]. A split asked for 0 examples is an empty set and its
// files are not read. It is the one line a lecture's data cell needs:
//
//	trainSet, testSet, err := datasets.MNIST(10000, 2000)
//
// Errors are LoadMNIST's, naming the file and what is wrong.
func MNIST(n, testN int) (trainSet, testSet *Set, err error) {
	if trainSet, err = loadFirst("train", n); err != nil {
		return nil, nil, err
	}
	if testSet, err = loadFirst("test", testN); err != nil {
		return nil, nil, err
	}
	return trainSet, testSet, nil
}

// loadFirst returns the first n examples of MNIST's split, reading nothing when n ≤ 0.
func loadFirst(split string, n int) (*Set, error) {
	if n <= 0 {
		return &Set{X: dl.Zeros(0, 1, 28, 28), Classes: digits}, nil
	}
	s, err := LoadMNIST(split)
	if err != nil {
		return nil, err
	}
	return s.Subset(n), nil
}
