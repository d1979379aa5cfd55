//go:build cgo && !purego

package tensor

/*
#cgo LDFLAGS: -lopenblas
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_corename(void);
*/
import "C"

import (
	"os"

	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/netlib/blas/netlib"
)

// init selects OpenBLAS and, unless OPENBLAS_NUM_THREADS or
// OMP_NUM_THREADS says otherwise, makes it single-threaded: the products
// of this library's models are small enough that OpenBLAS's worker threads
// cost more in hand-offs and spinning than they save, and experiments
// parallelize over independent runs instead.
func init() {
	blas64.Use(netlib.Implementation{})
	blas32.Use(netlib.Implementation{})
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" && os.Getenv("OMP_NUM_THREADS") == "" {
		SetBLASThreads(1)
	}
}

// BLASBackend names the BLAS implementation matrix products use.
func BLASBackend() string { return "openblas" }

// BLASCore names the CPU kernels OpenBLAS uses ("Haswell", "SkylakeX",
// ...), or "" with the pure-Go BLAS. An OpenBLAS built for several CPUs
// picks them when it loads, from the CPU or from OPENBLAS_CORETYPE.
func BLASCore() string { return C.GoString(C.openblas_get_corename()) }

// SetBLASThreads sets the number of threads OpenBLAS uses for one matrix
// product (n ≥ 1); it has no effect with the pure-Go BLAS.
func SetBLASThreads(n int) {
	if n < 1 {
		n = 1
	}
	C.openblas_set_num_threads(C.int(n))
}

// BLASThreads returns the number of threads OpenBLAS uses.
func BLASThreads() int { return int(C.openblas_get_num_threads()) }
