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
// Options.Checkpoint makes a run resumable: the Trainer writes its whole
// state after every update (atomically; the parameters, both Adam
// optimizers, the random state, the reward statistics, the record and the
// Config) and a new Trainer with the same Config continues from the next
// update. With whole episodes per update (Config.Episodes) the resumed run
// is the uninterrupted one bit for bit; with Config.Steps the environments
// start new episodes. A checkpoint of another Config is refused, a damaged
// one reported as corrupted; LoadResult reads a run's record, and
// Options.Extra carries a caller's own state in the same file.
//
// Every random draw comes from Config.Seed, so the same seed gives the same
// run. Long runs check a context between minibatches and environment
// steps. Minibatch updates run in a tensor.Arena, so their storage is reused
// from one minibatch to the next. The exported API has no generics, so the
// yaegi interpreter of the dcem Jupyter kernel can call all of it.
package ppo
