package widgets_test

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/dcem-go/dcem/widgets"
)

// printer is a Transport that prints what it would send.
type printer struct{}

func (printer) OpenComm(id, target string, data any, md map[string]any, bufs [][]byte) error {
	if st, ok := data.(map[string]any)["state"].(map[string]any); ok {
		var name string
		json.Unmarshal(st["_model_name"].(json.RawMessage), &name)
		fmt.Println("comm_open", target, name, md)
	}
	return nil
}

func (printer) SendComm(id string, data any, md map[string]any, bufs [][]byte) error {
	raw, _ := json.Marshal(data)
	fmt.Println("comm_msg", string(raw))
	return nil
}

func (printer) CloseComm(id string, data any) error {
	fmt.Println("comm_close")
	return nil
}

// A slider round trip: the front end moves the slider, the observer runs,
// the update is echoed, and the label the observer set is sent.
func Example() {
	m := widgets.NewManager(printer{})
	defer widgets.SetDefault(widgets.SetDefault(m))

	k := widgets.NewIntSlider()
	k.Description, k.Max = "k", 10
	label := widgets.NewLabel("")
	k.OnChange(func(c widgets.Change) {
		label.SetValue(fmt.Sprintf("k = %d", c.New))
	}, "value")
	widgets.NewHBox(k, label).MIMEBundle() // what showing it in a cell does

	// The kernel hands over a comm_msg from the front end.
	m.HandleMessage(widgets.Message{
		CommID: k.ModelID(),
		Data:   json.RawMessage(`{"method":"update","state":{"value":7},"buffer_paths":[]}`),
	})
	fmt.Println("k.Value =", k.Value)
	// Output:
	// comm_open jupyter.widget LayoutModel map[version:2.1.0]
	// comm_open jupyter.widget LayoutModel map[version:2.1.0]
	// comm_open jupyter.widget SliderStyleModel map[version:2.1.0]
	// comm_open jupyter.widget IntSliderModel map[version:2.1.0]
	// comm_open jupyter.widget LayoutModel map[version:2.1.0]
	// comm_open jupyter.widget LabelStyleModel map[version:2.1.0]
	// comm_open jupyter.widget LabelModel map[version:2.1.0]
	// comm_open jupyter.widget HBoxModel map[version:2.1.0]
	// comm_msg {"buffer_paths":[],"method":"echo_update","state":{"value":7}}
	// comm_msg {"buffer_paths":[],"method":"update","state":{"value":"k = 7"}}
	// k.Value = 7
}

// Button clicks arrive as custom messages.
func ExampleButton_OnClick() {
	defer widgets.SetDefault(widgets.SetDefault(widgets.NewManager(nil)))
	b := widgets.NewButton("Run")
	b.OnClick(func(*widgets.Button) { fmt.Println("clicked") })
	b.Click() // as a click in the browser does
	// Output: clicked
}

// The state of every widget shown, for a notebook's metadata.
func ExampleManager_State() {
	m := widgets.NewManager(nil)
	defer widgets.SetDefault(widgets.SetDefault(m))
	p := widgets.NewFloatProgress()
	p.Value = 42
	p.MIMEBundle()

	st := m.State()
	var names []string
	for _, e := range st["state"].(map[string]any) {
		names = append(names, e.(map[string]any)["model_name"].(string))
	}
	sort.Strings(names)
	fmt.Println(st["version_major"], names)
	// Output: 2 [FloatProgressModel LayoutModel ProgressStyleModel]
}

// A progress bar for a long library call: the label tells the time left
// once a step has finished.
func ExampleProgress() {
	defer widgets.SetDefault(widgets.SetDefault(widgets.NewManager(nil)))
	bar := widgets.NewProgress("training", 100)
	fmt.Println(bar.Label.Value)
	for step := 1; step <= 100; step++ {
		bar.Update(step, 100) // from the library's progress callback
	}
	bar.Finish(nil)
	fmt.Println(bar.Bar.Value, bar.Bar.BarStyle)
	// Output:
	// 0/100 · 0:00 · estimating time left
	// 100 success
}

// Interact redraws when a control changes.
func ExampleInteract() {
	defer widgets.SetDefault(widgets.SetDefault(widgets.NewManager(nil)))
	tau := widgets.NewFloatSlider()
	tau.Description, tau.Min, tau.Max, tau.Value = "τ", 0.1, 10, 1
	ui := widgets.Interact(func() { fmt.Printf("draw with τ = %.1f\n", tau.Value) }, tau)
	tau.SetValue(2.5)
	ui.Wait()
	// Output:
	// draw with τ = 1.0
	// draw with τ = 2.5
}
