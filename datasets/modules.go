package datasets

// Modules lists the pinned Go modules (path@version) that hold data and weights, not code, which
// this package reads from the Go module cache at run time. `deepnb install` downloads every one
// of them while online, since the kernel runs offline; a new data module is added here.
var Modules = []string{MNISTModule, GorgoniaModule}
