// Package tensor is dcem-go's define-by-run reverse-mode automatic
// differentiation engine: dense float64 N-d tensors in row-major order and
// eager operations that record what Backward needs.
//
// The model is PyTorch's. Every operation computes its value at once, so a
// tensor can be printed at any point and any Go control flow can build the
// graph. A tensor made by an operation on at least one input that requires a
// gradient remembers the operation; Backward walks that graph once in
// reverse topological order and accumulates gradients into the leaves (the
// tensors marked with RequiresGrad). Gradients of intermediate tensors are
// not kept, and the graph is released after Backward.
//
// Shapes follow NumPy's broadcasting rules for binary arithmetic. A shape
// mismatch, an axis out of range or a bad argument to an arithmetic
// operation is a programming error and panics with a message that names the
// operation and the shapes; entry points that take data from users (solvers,
// experiments, environments) validate and return errors instead.
//
// Matrix products go through gonum's BLAS interface: OpenBLAS under cgo
// (built with the Debian package libopenblas-dev), gonum's pure-Go BLAS
// otherwise (build tag purego, or CGO_ENABLED=0). Elementwise operations are
// tight loops with fast paths for equal shapes and broadcast rows.
//
// The exported API has no generics so that the yaegi interpreter of the
// dcem Jupyter kernel can call all of it.
package tensor
