// Package cblas binds OpenBLAS's cblas_sgemm for gemm's openblas build tag; without that tag
// (and cgo) it is empty. It lives in its own package because Go does not allow Go assembly
// (gemm's micro-kernels) in a cgo package.
//
// OpenBLAS picks its kernels when the library loads; on CPUs it does not recognise (Debian's
// 0.3.21 on AMD Zen 4, for example) it falls back to slow generic ones, so run with
// OPENBLAS_CORETYPE=SkylakeX (or the matching core) in the environment before the program
// starts: setting it from Go is too late. OpenBLAS runs its own threads; OPENBLAS_NUM_THREADS
// limits them.
package cblas
