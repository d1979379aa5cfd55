package plots_test

import (
	"fmt"
	"math"

	"github.com/dcem-go/dcem/dcemlib/plots"
)

// A loss curve over three seeds, drawn as the mean with a 95% band.
func ExampleLines() {
	x := []float64{1, 2, 3}
	p, err := plots.Lines("training", "update", "MSE", []plots.Band{
		{Label: "DCEM", X: x, Ys: [][]float64{{1, 0.1, 0.01}, {2, 0.2, 0.02}, {1.5, 0.15, 0.015}}},
	}, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	png, err := plots.Render(p, 4, 3, "png")
	fmt.Println(err, len(png) > 0)
	// Output: <nil> true
}

// A function on a grid as a heat map.
func ExampleHeatMap() {
	g := plots.GridOf(func(x, y float64) float64 { return x*x + math.Sin(3*y) }, -1, 1, 40, -1, 1, 40)
	p, err := plots.HeatMap("f(x, y)", "x", "y", g)
	if err != nil {
		fmt.Println(err)
		return
	}
	svg, err := plots.Render(p, 4, 4, "svg")
	fmt.Println(err, len(svg) > 0)
	// Output: <nil> true
}
