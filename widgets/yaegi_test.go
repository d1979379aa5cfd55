package widgets

import (
	"reflect"
	"testing"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// TestInterpreted drives widgets from Go code run by yaegi, as notebook
// cells are: fields set through promoted struct fields, observers and
// draw functions written in interpreted code and called from compiled
// code. The symbols are listed by hand in the form yaegi's extract tool
// generates.
func TestInterpreted(t *testing.T) {
	m, ft := setup(t, DialectModern)
	syms := map[string]map[string]reflect.Value{
		"github.com/dcem-go/dcem/widgets/widgets": {
			"NewIntSlider":   reflect.ValueOf(NewIntSlider),
			"NewIntProgress": reflect.ValueOf(NewIntProgress),
			"NewLabel":       reflect.ValueOf(NewLabel),
			"NewHBox":        reflect.ValueOf(NewHBox),
			"Interact":       reflect.ValueOf(Interact),
			"Change":         reflect.ValueOf((*Change)(nil)),
			"Model":          reflect.ValueOf((*Model)(nil)),
			"IntSlider":      reflect.ValueOf((*IntSlider)(nil)),
			"IntProgress":    reflect.ValueOf((*IntProgress)(nil)),
			"Label":          reflect.ValueOf((*Label)(nil)),
			"HBox":           reflect.ValueOf((*HBox)(nil)),
			"Interactive":    reflect.ValueOf((*Interactive)(nil)),
		},
	}
	i := interp.New(interp.Options{})
	if err := i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := i.Use(syms); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`import (
	"fmt"
	"github.com/dcem-go/dcem/widgets"
)`); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`
var (
	k     = widgets.NewIntSlider()
	label = widgets.NewLabel("")
	bar   = widgets.NewIntProgress()
	draws = 0
	ui    *widgets.Interactive
)

func setup() *widgets.HBox {
	k.Description, k.Max = "k", 10
	bar.Max = 10
	k.OnChange(func(c widgets.Change) { label.SetValue(fmt.Sprint("k = ", c.New)) }, "value")
	ui = widgets.Interact(func() { draws++; bar.SetValue(k.Value) }, k)
	return widgets.NewHBox(k, label, bar)
}
`); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval(`setup()`)
	if err != nil {
		t.Fatal(err)
	}
	box := v.Interface().(*HBox)
	box.MIMEBundle()
	ft.take()
	var k *IntSlider
	for _, c := range box.Children {
		if s, ok := c.(*IntSlider); ok {
			k = s
		}
	}
	frontend(t, m, k.ModelID(), map[string]any{"method": "update", "state": map[string]any{"value": 7}, "buffer_paths": []any{}})
	label := box.Children[1].(*Label)
	bar := box.Children[2].(*IntProgress)
	if label.Value != "k = 7" || k.Description != "k" || bar.Max != 10 {
		t.Errorf("label %q, description %q, bar max %d", label.Value, k.Description, bar.Max)
	}
	ui, err := i.Eval(`ui`)
	if err != nil {
		t.Fatal(err)
	}
	ui.Interface().(*Interactive).Wait()
	draws, err := i.Eval(`draws`)
	if err != nil {
		t.Fatal(err)
	}
	if draws.Int() != 2 || bar.Value != 7 {
		t.Errorf("%d draws (want the first and one after the change), bar at %d", draws.Int(), bar.Value)
	}
}
