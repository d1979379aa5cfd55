package cem

import (
	"math"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// TestConfigValidate checks that Validate accepts good settings and names
// the setting out of range, the one the solvers refuse.
func TestConfigValidate(t *testing.T) {
	good := Config{Samples: 10, Elites: 3, Iters: 2, Temp: 1}
	if err := good.Validate(); err != nil {
		t.Fatalf("good settings: %v", err)
	}
	for _, c := range []struct {
		name string
		set  func(*Config)
	}{
		{"Samples", func(c *Config) { c.Samples = 1 }},
		{"Elites", func(c *Config) { c.Elites = 0 }},
		{"Elites", func(c *Config) { c.Elites = 10 }},
		{"Iters", func(c *Config) { c.Iters = 0 }},
		{"Temp", func(c *Config) { c.Temp = math.NaN() }},
		{"Temp", func(c *Config) { c.Temp = -1 }},
		{"MinStd", func(c *Config) { c.MinStd = math.Inf(1) }},
		{"Tol", func(c *Config) { c.Tol = -1 }},
		{"LMLEps", func(c *Config) { c.LMLEps = math.NaN() }},
		{"Lower", func(c *Config) { c.Lower, c.Upper = 1, -1 }},
		{"NaN", func(c *Config) { c.Lower = math.NaN() }},
		{"Noise has 1", func(c *Config) { c.Noise = []*tensor.Tensor{tensor.Zeros(1, 10, 2)} }},
		{"DeviceNoise", func(c *Config) { c.Noise, c.DeviceNoise = []*tensor.Tensor{tensor.Zeros(1, 10, 2)}, true }},
	} {
		cfg := good
		c.set(&cfg)
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.name) || !strings.HasPrefix(err.Error(), "cem.Config: ") {
			t.Errorf("%+v: Validate: %v, want an error naming %s", cfg, err, c.name)
		}
		// The solver refuses the same settings.
		_, serr := SolveFunc(t.Context(), func(x [][]float64) []float64 { return make([]float64, len(x)) }, []float64{0, 0}, []float64{1}, cfg)
		if serr == nil {
			t.Errorf("%+v: Validate refuses it, SolveFunc does not", cfg)
		}
	}
}
