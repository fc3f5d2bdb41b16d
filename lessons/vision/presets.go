package vision

// LectureOlshausenField is the lecture's setting: 12×12 patches, a complete dictionary of 144
// basis functions, 1500 dictionary steps (about a minute on 2 cores).
var LectureOlshausenField = OlshausenField{
	Size: 12, Patches: 20000, Eval: 2000, MinR2: 0.7, Seed: 1,
	Sparse: SparseConfig{Bases: 144, Lambda: 0.3, Iters: 50, Steps: 1500, Batch: 100, Rate: 0.5, Seed: 1},
}

// TestSizeOlshausenField is a smaller setting for tests and quick runs: 8×8 patches, 64
// basis functions.
var TestSizeOlshausenField = OlshausenField{
	Size: 8, Patches: 10000, Eval: 1000, MinR2: 0.7, Seed: 1,
	Sparse: SparseConfig{Bases: 64, Lambda: 0.3, Iters: 40, Steps: 1500, Batch: 100, Rate: 0.5, Seed: 1},
}
