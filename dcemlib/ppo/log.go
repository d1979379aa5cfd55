package ppo

// UpdateLog records one PPO update.
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
	// and the values V before the update.
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
