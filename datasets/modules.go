package datasets

// Modules are the pinned Go modules that hold data and weights (not code): `deepnb install`
// downloads them into the module cache so that the kernel can load them offline.
var Modules = []string{MNISTModule, GorgoniaModule}
