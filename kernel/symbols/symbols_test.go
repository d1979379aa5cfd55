package symbols

import (
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// TestExtractsLoad checks that the generated extracts load into the
// interpreter and call into the compiled packages.
func TestExtractsLoad(t *testing.T) {
	for _, p := range []string{
		"gonum.org/v1/gonum/mat/mat", "gonum.org/v1/gonum/floats/floats", "gonum.org/v1/gonum/stat/stat",
		"gonum.org/v1/plot/plot", "gonum.org/v1/plot/plotter/plotter", "gonum.org/v1/plot/vg/vg",
		"github.com/dcem-go/dcem/kernel/display/display", "github.com/dcem-go/dcem/kernel/notebook/notebook",
	} {
		if len(Symbols[p]) == 0 {
			t.Errorf("no symbols for %s", p)
		}
	}
	i := interp.New(interp.Options{})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(Symbols); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`import (
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)`); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval(`floats.Sum([]float64{mat.Det(mat.NewDense(2, 2, []float64{1, 2, 3, 4})), 10})`)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Interface().(float64); got != 8 {
		t.Errorf("det + 10 = %v, want 8", got)
	}
}

func TestDocs(t *testing.T) {
	d := Docs["gonum.org/v1/gonum/mat"]["NewDense"]
	if !strings.Contains(d, "NewDense creates a new Dense matrix") {
		t.Errorf("doc of mat.NewDense = %q", d)
	}
	if Docs["github.com/dcem-go/dcem/kernel/notebook"]["Context"] == "" {
		t.Error("no doc for notebook.Context")
	}
}
