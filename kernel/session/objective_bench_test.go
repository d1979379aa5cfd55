package session

import (
	"context"
	"reflect"
	"testing"

	"github.com/traefik/yaegi/interp"

	"github.com/dcem-go/dcem/dcemlib/cem"
)

// The cost of an objective written in a cell: cem.SolveFunc on a 20-dim
// Rosenbrock, 1000 samples, 100 elites, 50 iterations, with the objective
// interpreted (written in a cell) and compiled (the same code in Go).
// Run: go test -run '^$' -bench Rosenbrock ./kernel/session

const rosenbrockSrc = `func rosenbrock(x [][]float64) []float64 {
	out := make([]float64, len(x))
	for k, v := range x {
		s := 0.0
		for i := 0; i+1 < len(v); i++ {
			a := v[i+1] - v[i]*v[i]
			b := 1 - v[i]
			s += 100*a*a + b*b
		}
		out[k] = s
	}
	return out
}`

func rosenbrock(x [][]float64) []float64 {
	out := make([]float64, len(x))
	for k, v := range x {
		s := 0.0
		for i := 0; i+1 < len(v); i++ {
			a := v[i+1] - v[i]*v[i]
			b := 1 - v[i]
			s += 100*a*a + b*b
		}
		out[k] = s
	}
	return out
}

var rosenbrockConfig = cem.Config{Samples: 1000, Elites: 100, Iters: 50, Seed: 1}

func BenchmarkRosenbrock20SolveFunc(b *testing.B) {
	mean, std := make([]float64, 20), make([]float64, 20)
	for i := range std {
		std[i] = 1
	}
	b.Run("compiled", func(b *testing.B) {
		for range b.N {
			if _, err := cem.SolveFunc(context.Background(), rosenbrock, mean, std, rosenbrockConfig); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("interpreted", func(b *testing.B) {
		s, err := New(Options{Symbols: []interp.Exports{{
			"github.com/dcem-go/dcem/dcemlib/cem/cem": {
				"SolveFunc": reflect.ValueOf(cem.SolveFunc),
				"Config":    reflect.ValueOf((*cem.Config)(nil)),
			},
		}}})
		if err != nil {
			b.Fatal(err)
		}
		setup := "import (\n\t\"context\"\n\t\"github.com/dcem-go/dcem/dcemlib/cem\"\n)\n" + rosenbrockSrc +
			"\nmean, std := make([]float64, 20), make([]float64, 20)\nfor i := range std {\n\tstd[i] = 1\n}\ncfg := cem.Config{Samples: 1000, Elites: 100, Iters: 50, Seed: 1}"
		if _, err := s.Execute(context.Background(), setup); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			if _, err := s.Execute(context.Background(), "_, err := cem.SolveFunc(context.Background(), rosenbrock, mean, std, cfg)\nif err != nil {\n\tpanic(err)\n}"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
