package ppo

import (
	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// Options are the parts of a training run that are not plain settings.
type Options struct {
	// Frozen lists parameters of the policy that training leaves as they
	// are: the optimizer skips them and their gradients are cleared after
	// every minibatch (a DCEM controller's decoder, reward or transition
	// model, for example). Each must be one of the policy's Params.
	Frozen []*tensor.Tensor
	// Progress, if set, is called after every update with its log.
	Progress func(UpdateLog)
	// Within, if set, is called inside every update: after each round of
	// environment steps while collecting, and after each minibatch while
	// optimizing — for policies slow enough that an update takes minutes.
	Within func(Within)
	// Checkpoint, if set, is a file that the Trainer writes after every
	// update, atomically (a temporary file, synced, then renamed over it):
	// the parameters of policy and value function, both optimizers'
	// states, the random state, the running reward statistics, the record
	// so far and the Config. NewTrainer resumes from it when it exists, so
	// that Run goes on with the next update, and returns the record
	// without more work when the run had finished. A checkpoint of another
	// Config or of networks of other shapes is refused with an error, and
	// a damaged one is an error saying it is corrupted.
	//
	// With Config.Episodes every update collects whole fresh episodes, and
	// a resumed run's later updates are those of an uninterrupted one, bit
	// for bit (given environments whose episodes depend on the Reset seed
	// only, and a deterministic policy mean). With Config.Steps episodes
	// run on across updates, and the environments' states are not saved:
	// a resumed run starts every environment on a new episode (the
	// interrupted episodes' returns are lost), and goes on from the next
	// update with the saved parameters, optimizers, random state and
	// reward statistics.
	Checkpoint string
	// Extra, if set with Checkpoint, is more state that every checkpoint
	// saves and a resume restores into it — a caller's own, such as
	// evaluations made before training (see Trainer.SaveCheckpoint). A
	// checkpoint written with Extra must be resumed with it, and one
	// written without, without.
	Extra State
}

// Within says where an update is (Options.Within).
type Within struct {
	// Update counts the updates from 1; Phase is "collect" or "optimize"
	// (callers that report other work through the same callback, such as
	// latent.RunPhase3's evaluations, use phases of their own).
	Update int
	Phase  string
	// Done of Total: while collecting, finished episodes of
	// Config.Episodes, or steps of Config.Steps; while optimizing,
	// minibatches of Epochs·Minibatches.
	Done, Total int
	// Steps is the number of environment steps collected so far.
	Steps int
}
