// Package tensor is dcem-go's define-by-run reverse-mode automatic
// differentiation engine: dense N-d tensors of float64 or float32 values in
// row-major order, and eager operations that record what Backward needs.
//
// The model is PyTorch's. Every operation computes its value at once, so a
// tensor can be printed at any point and any Go control flow can build the
// graph. A tensor made by an operation on at least one input that requires a
// gradient remembers the operation; Backward walks that graph once in
// reverse topological order and accumulates gradients into the leaves (the
// tensors marked with RequiresGrad). Gradients of intermediate tensors are
// not kept, and the graph is released after Backward: a second Backward
// through it panics.
//
// # Precision
//
// A tensor has a DType, Float64 (the default of the constructors) or
// Float32 (New32, ZerosOf, RandNOf, or t.Float32()). An operation's result
// has its operands' dtype; operands of different dtypes panic with a
// message naming both. Conversions (To, Float32, Float64) are operations
// themselves, so gradients flow through them. Float32 halves memory traffic
// and doubles the throughput of matrix products; reductions accumulate in
// float64. Gradient checks (GradCheck) run in float64, and every operation's
// float32 result is tested against its float64 result.
//
// # Speed and memory
//
// Matrix products go through gonum's BLAS interface: OpenBLAS under cgo
// (built with the Debian package libopenblas-dev), gonum's pure-Go BLAS
// otherwise (build tag purego, or CGO_ENABLED=0). Elementwise operations are
// tight loops with fast paths for equal shapes and broadcast rows; built
// with GOEXPERIMENT=simd on a machine with AVX2 and FMA (see SIMD), the
// float32 exp, sigmoid, tanh, softplus and ELU run eight lanes at a time.
// Large elementwise passes split over GOMAXPROCS goroutines with the same
// results on any number of threads. Affine (a linear layer with its
// activation) and GRUCell are fused operations with hand-written gradients.
//
// An Arena recycles the storage of a repeated computation (a training step,
// a planner's decision): tensors that enter it by Use make their results
// there, and Reset hands the storage back for the next round. A no-grad
// arena is the inference mode: nothing is recorded for a backward pass.
//
// # Errors
//
// Shapes follow NumPy's broadcasting rules for binary arithmetic. A shape
// or dtype mismatch, an axis out of range or a bad argument to an
// arithmetic operation is a programming error and panics with a message that
// names the operation and the shapes; entry points that take data from users
// (solvers, experiments, environments) validate and return errors instead.
//
// The exported API has no generics so that the yaegi interpreter of the
// dcem Jupyter kernel can call all of it.
package tensor
