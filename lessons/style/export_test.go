package style

// GramT64 lets the external tests hand the checks FᵀF, the transposed Gram matrix, as a
// student's answer.
var GramT64 = gramT64
