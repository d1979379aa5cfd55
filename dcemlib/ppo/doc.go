// Package ppo is proximal policy optimization (Schulman, Wolski, Dhariwal,
// Radford and Klimov 2017, "Proximal Policy Optimization Algorithms",
// arXiv 1707.06347) for any differentiable Gaussian policy: a small MLP, or
// a whole differentiable controller such as the DCEM paper's latent DCEM
// planner, whose first planned action is the policy's mean and whose
// decoder, reward and transition models PPO fine-tunes through the solve
// (Amos & Yarats 2020, §5.2.2, app. E).
//
// The pieces are exported functions that tests check against closed forms:
// GAE (eqs. 11–12), GaussianLogProb and GaussianEntropy, ClippedSurrogate
// (eq. 7) and ValueLoss (the L^VF of eq. 9). A Trainer puts them together
// (Algorithm 1): it collects steps or whole episodes from one or more
// environments in lockstep, computes advantages with the environments' time
// limits handled as truncations, and runs epochs of minibatch Adam steps on
// the policy and a separate value function, with gradient-norm clipping and
// a set of frozen policy parameters. Standard returns the settings of
// well-known implementations; Train runs them.
//
// Every random draw comes from Config.Seed, so the same seed gives the same
// run. Long runs check a context between minibatches and environment
// steps. Minibatch updates run in a tensor.Arena, so their storage is reused
// from one minibatch to the next. The exported API has no generics, so the
// yaegi interpreter of the dcem Jupyter kernel can call all of it.
package ppo
