//go:build !cgo || purego

package tensor

// BLASBackend names the BLAS implementation matrix products use.
func BLASBackend() string { return "gonum" }

// BLASCore names the CPU kernels OpenBLAS uses ("Haswell", "SkylakeX",
// ...), or "" with the pure-Go BLAS.
func BLASCore() string { return "" }

// SetBLASThreads sets the number of threads OpenBLAS uses for one matrix
// product (n ≥ 1); it has no effect with the pure-Go BLAS.
func SetBLASThreads(n int) {}

// BLASThreads returns the number of threads OpenBLAS uses (1 with the
// pure-Go BLAS, whose threading gonum manages).
func BLASThreads() int { return 1 }
