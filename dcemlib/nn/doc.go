// Package nn holds the neural-network building blocks that the experiments
// of the DCEM paper (Amos & Yarats, ICML 2020) train on top of package
// tensor: linear layers with the paper's two initializations, multilayer
// perceptrons, a GRU cell, the Adam optimizer, gradient-norm clipping, a
// learning-rate schedule that decays on a plateau, and checkpoints.
//
// Every layer is made of tensor operations, so gradients flow through it by
// Backward. MLP.InputGrad writes an MLP's input gradient as a forward pass
// of tensor operations, so that it can itself be differentiated: unrolled
// gradient descent on an energy (paper §5.1) needs the gradient of an inner
// gradient step with respect to the network's parameters, and the engine
// has first-order reverse mode only.
//
// All random initialization takes a *tensor.RNG, so the same seed gives the
// same network. The exported API has no generics, so that the yaegi
// interpreter of the dcem Jupyter kernel can call all of it. Constructors
// panic on sizes below one (a programming error, as tensor operations do);
// functions that read files or user data return errors.
package nn
