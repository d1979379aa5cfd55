// Package seedtag names the tags that derive a random stream for one
// purpose from a run's seed: seed ^ tag (or seed + tag), where a tag is up
// to eight ASCII letters read as a big-endian integer ("filter" is
// 0x66696c746572). The streams of one seed then differ from one purpose to
// the next and stay the same from one run to the next, so that the same
// seed gives the same figure.
//
// The values are the ones the packages wrote out by hand before they were
// named here; results and checkpoints depend on them, so they must not
// change. Of computes a tag from its letters, and the package's test checks
// every constant against its letters.
package seedtag

// Tags of the latent DCEM experiment (package latent).
const (
	// Filter seeds a BeliefEnv's filter, from the episode's reset seed.
	Filter = 0x66696c746572 // "filter"
	// Policy seeds the phase-3 policy's solver draws, from the PPO seed.
	Policy = 0x706f6c // "pol"
	// Value initializes the phase-3 value network, from the PPO seed.
	Value = 0x76616c // "val"
	// Eval is added to the PPO seed to seed phase 3's evaluation
	// episodes.
	Eval = 0x6576616c // "eval"
	// Shared seeds a controller's draws under SharedNoise.
	Shared = 0x736861726564 // "shared"
	// Prior seeds a controller's prior samples under SampleStates.
	Prior = 0x7072696f72 // "prior"
	// Decoder initializes the latent DCEM agent's decoder.
	Decoder = 0x6465636f6465 // "decode"
)

// Tags of the world-model runs (packages planet and modelcheck).
const (
	// Model initializes a world model, from the run's seed.
	Model = 0x6d6f64656c // "model"
	// Train seeds a run's training draws (replay batches), from its seed.
	Train = 0x747261696e // "train"
	// Rank seeds modelcheck's candidate plans, from an episode's seed.
	Rank = 0x72616e6b // "rank"
	// Filt seeds modelcheck's filter, from an episode's seed.
	Filt = 0x66696c74 // "filt"
	// Imagine seeds modelcheck's imagination, from the check's seed.
	Imagine = 0x696d // "im"
)

// Of returns the tag of the ASCII letters s (at most 8 bytes): their bytes
// as a big-endian integer. It panics on a longer s.
func Of(s string) uint64 {
	if len(s) > 8 {
		panic("seedtag.Of: " + s + " has more than 8 bytes")
	}
	var t uint64
	for i := range len(s) {
		t = t<<8 | uint64(s[i])
	}
	return t
}
