package ppo

import (
	"encoding/json"
	"fmt"
	"math"
)

// UpdateLog records one PPO update.
//
// A value that is undefined for an update is NaN: MeanReturn when no
// episode ended, ExplainedVariance when the value targets do not vary.
// JSON, which has no NaN, holds such a value as null (and an infinity, of
// a diverging update, as the string "+Inf" or "-Inf"); UnmarshalJSON reads
// them back as NaN and infinities, so that a Result round-trips through
// JSON.
type UpdateLog struct {
	// Update counts the updates from 1.
	Update int
	// Steps is the number of environment steps collected for the update
	// and TotalSteps the number since the start.
	Steps, TotalSteps int
	// Episodes is the number of episodes that ended while collecting, and
	// MeanReturn the mean of their undiscounted, unnormalized returns (NaN
	// when none ended).
	Episodes   int
	MeanReturn float64
	// PolicyLoss (−L^CLIP, eq. 7), ValueLoss (L^VF, unscaled by ValueCoef),
	// Entropy (per step), ApproxKL (mean (r − 1) − log r) and ClipFraction
	// (the share of ratios r outside [1−ε, 1+ε]) are means over the
	// update's minibatches that reached the policy.
	PolicyLoss, ValueLoss, Entropy, ApproxKL, ClipFraction float64
	// KL holds the approximate KL of each minibatch that reached the
	// policy, in order, measured before its step: the first is ≈ 0 (the
	// policy has not moved yet), the rest show how far the update went.
	KL []float64
	// PolicySteps is the number of Adam steps taken on the policy:
	// Epochs·Minibatches, or fewer when Config.TargetKL stopped the update.
	PolicySteps int
	// ExplainedVariance is 1 − Var(R − V)/Var(R) of the value targets R
	// and the values V before the update (NaN when R does not vary).
	ExplainedVariance float64
	// LR is the policy's learning rate during the update.
	LR float64
	// Seconds is the update's wall-clock time.
	Seconds float64
}

// Result is the record of a training run.
type Result struct {
	// Logs holds one entry per update.
	Logs []UpdateLog
	// Returns holds the undiscounted return of every episode that ended
	// during training, in order.
	Returns []float64
	// TotalSteps is the number of environment steps taken.
	TotalSteps int
}

// jsonFloat is a float64 in JSON that may be NaN (null) or infinite
// ("+Inf", "-Inf"); finite values are the numbers encoding/json writes.
type jsonFloat float64

// MarshalJSON writes f as a JSON number, null for NaN, or "+Inf"/"-Inf".
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	switch {
	case math.IsNaN(v):
		return []byte("null"), nil
	case math.IsInf(v, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(v, -1):
		return []byte(`"-Inf"`), nil
	}
	return json.Marshal(v)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case "null":
		*f = jsonFloat(math.NaN())
		return nil
	case `"+Inf"`:
		*f = jsonFloat(math.Inf(1))
		return nil
	case `"-Inf"`:
		*f = jsonFloat(math.Inf(-1))
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("ppo: %s is not a number, null, \"+Inf\" or \"-Inf\"", b)
	}
	*f = jsonFloat(v)
	return nil
}

// updateLogJSON is UpdateLog with its floats as jsonFloat: the fields, in
// order, that UpdateLog's JSON holds.
type updateLogJSON struct {
	Update                                                 int
	Steps, TotalSteps                                      int
	Episodes                                               int
	MeanReturn                                             jsonFloat
	PolicyLoss, ValueLoss, Entropy, ApproxKL, ClipFraction jsonFloat
	KL                                                     []jsonFloat
	PolicySteps                                            int
	ExplainedVariance                                      jsonFloat
	LR                                                     jsonFloat
	Seconds                                                jsonFloat
}

// MarshalJSON writes the log's fields under their names, an undefined
// (NaN) value as null and an infinity as "+Inf" or "-Inf".
func (l UpdateLog) MarshalJSON() ([]byte, error) {
	j := updateLogJSON{
		Update: l.Update, Steps: l.Steps, TotalSteps: l.TotalSteps, Episodes: l.Episodes,
		MeanReturn: jsonFloat(l.MeanReturn), PolicyLoss: jsonFloat(l.PolicyLoss), ValueLoss: jsonFloat(l.ValueLoss),
		Entropy: jsonFloat(l.Entropy), ApproxKL: jsonFloat(l.ApproxKL), ClipFraction: jsonFloat(l.ClipFraction),
		PolicySteps: l.PolicySteps, ExplainedVariance: jsonFloat(l.ExplainedVariance), LR: jsonFloat(l.LR),
		Seconds: jsonFloat(l.Seconds),
	}
	if l.KL != nil {
		j.KL = make([]jsonFloat, len(l.KL))
		for i, v := range l.KL {
			j.KL[i] = jsonFloat(v)
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes (and the JSON of earlier
// versions, which had only numbers).
func (l *UpdateLog) UnmarshalJSON(b []byte) error {
	var j updateLogJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*l = UpdateLog{
		Update: j.Update, Steps: j.Steps, TotalSteps: j.TotalSteps, Episodes: j.Episodes,
		MeanReturn: float64(j.MeanReturn), PolicyLoss: float64(j.PolicyLoss), ValueLoss: float64(j.ValueLoss),
		Entropy: float64(j.Entropy), ApproxKL: float64(j.ApproxKL), ClipFraction: float64(j.ClipFraction),
		PolicySteps: j.PolicySteps, ExplainedVariance: float64(j.ExplainedVariance), LR: float64(j.LR),
		Seconds: float64(j.Seconds),
	}
	if j.KL != nil {
		l.KL = make([]float64, len(j.KL))
		for i, v := range j.KL {
			l.KL[i] = float64(v)
		}
	}
	return nil
}
