package widgets

import "encoding/json"

// DOM holds the state that every visible widget has.
type DOM struct {
	// Classes are CSS classes added to the widget's element.
	Classes []string `widget:"_dom_classes"`
	// Layout holds the widget's CSS layout.
	Layout *Layout `widget:"layout"`
	// Tabbable says whether the widget takes keyboard focus (nil: the
	// front end's default).
	Tabbable *bool `widget:"tabbable"`
	// Tooltip is the text shown on hover (nil: none).
	Tooltip *string `widget:"tooltip"`
}

func newDOM() DOM { return DOM{Classes: []string{}, Layout: NewLayout()} }

// Described holds a control's description, the label shown beside it.
type Described struct {
	// Description is the label.
	Description string `widget:"description"`
	// DescriptionAllowHTML renders Description as HTML.
	DescriptionAllowHTML bool `widget:"description_allow_html"`
}

// create binds a new model to the default manager and records its
// initial state.
func create(m Model, s spec) {
	m.core().init(m, s)
	m.core().mgr.snapshot(m)
}

// IntSlider is a slider over integers.
type IntSlider struct {
	Widget
	DOM
	Described
	// Behavior is how the handle reacts to the mouse: "drag-tap",
	// "drag-snap", "tap", "drag" or "snap".
	Behavior string `widget:"behavior"`
	// ContinuousUpdate sends the value while the handle moves, not only
	// when it is released.
	ContinuousUpdate bool `widget:"continuous_update"`
	// Disabled stops the user from changing the value.
	Disabled bool `widget:"disabled"`
	// Min and Max bound the value; Step is its increment.
	Min  int `widget:"min"`
	Max  int `widget:"max"`
	Step int `widget:"step"`
	// Orientation is "horizontal" or "vertical".
	Orientation string `widget:"orientation"`
	// Readout shows the value beside the slider, formatted by
	// ReadoutFormat (a d3-format string).
	Readout       bool   `widget:"readout"`
	ReadoutFormat string `widget:"readout_format"`
	// Style is the slider's style.
	Style *SliderStyle `widget:"style"`
	// Value is the slider's value.
	Value int `widget:"value"`
}

// NewIntSlider returns an IntSlider with the protocol's defaults: 0 in
// [0, 100], step 1.
func NewIntSlider() *IntSlider {
	w := &IntSlider{DOM: newDOM(), Behavior: "drag-tap", ContinuousUpdate: true, Max: 100, Step: 1,
		Orientation: "horizontal", Readout: true, ReadoutFormat: "d", Style: NewSliderStyle()}
	create(w, controlSpec("IntSliderModel", "IntSliderView"))
	return w
}

// SetValue sets the value, sends it and calls the observers.
func (w *IntSlider) SetValue(v int) error { return w.Set("value", v) }

// FloatSlider is a slider over real numbers.
type FloatSlider struct {
	Widget
	DOM
	Described
	// Behavior is how the handle reacts to the mouse (see IntSlider).
	Behavior string `widget:"behavior"`
	// ContinuousUpdate sends the value while the handle moves.
	ContinuousUpdate bool `widget:"continuous_update"`
	// Disabled stops the user from changing the value.
	Disabled bool `widget:"disabled"`
	// Min and Max bound the value; Step is its increment.
	Min  float64 `widget:"min"`
	Max  float64 `widget:"max"`
	Step float64 `widget:"step"`
	// Orientation is "horizontal" or "vertical".
	Orientation string `widget:"orientation"`
	// Readout shows the value, formatted by ReadoutFormat.
	Readout       bool   `widget:"readout"`
	ReadoutFormat string `widget:"readout_format"`
	// Style is the slider's style.
	Style *SliderStyle `widget:"style"`
	// Value is the slider's value.
	Value float64 `widget:"value"`
}

// NewFloatSlider returns a FloatSlider with the protocol's defaults: 0 in
// [0, 100], step 0.1.
func NewFloatSlider() *FloatSlider {
	w := &FloatSlider{DOM: newDOM(), Behavior: "drag-tap", ContinuousUpdate: true, Max: 100, Step: 0.1,
		Orientation: "horizontal", Readout: true, ReadoutFormat: ".2f", Style: NewSliderStyle()}
	create(w, controlSpec("FloatSliderModel", "FloatSliderView"))
	return w
}

// SetValue sets the value, sends it and calls the observers.
func (w *FloatSlider) SetValue(v float64) error { return w.Set("value", v) }

// FloatLogSlider is a slider over real numbers on a log scale: the value
// shown is Base**Value, with Value (the exponent) in [Min, Max].
type FloatLogSlider struct {
	Widget
	DOM
	Described
	// Base is the base of the logarithm.
	Base float64 `widget:"base"`
	// Behavior is how the handle reacts to the mouse (see IntSlider).
	Behavior string `widget:"behavior"`
	// ContinuousUpdate sends the value while the handle moves.
	ContinuousUpdate bool `widget:"continuous_update"`
	// Disabled stops the user from changing the value.
	Disabled bool `widget:"disabled"`
	// Min and Max bound the exponent; Step is its increment.
	Min  float64 `widget:"min"`
	Max  float64 `widget:"max"`
	Step float64 `widget:"step"`
	// Orientation is "horizontal" or "vertical".
	Orientation string `widget:"orientation"`
	// Readout shows the value, formatted by ReadoutFormat.
	Readout       bool   `widget:"readout"`
	ReadoutFormat string `widget:"readout_format"`
	// Style is the slider's style.
	Style *SliderStyle `widget:"style"`
	// Value is the value shown, Base**exponent.
	Value float64 `widget:"value"`
}

// NewFloatLogSlider returns a FloatLogSlider with the protocol's
// defaults: value 1 over exponents [0, 4] of base 10.
func NewFloatLogSlider() *FloatLogSlider {
	w := &FloatLogSlider{DOM: newDOM(), Base: 10, Behavior: "drag-tap", ContinuousUpdate: true, Max: 4, Step: 0.1,
		Orientation: "horizontal", Readout: true, ReadoutFormat: ".3g", Style: NewSliderStyle(), Value: 1}
	create(w, controlSpec("FloatLogSliderModel", "FloatLogSliderView"))
	return w
}

// SetValue sets the value, sends it and calls the observers.
func (w *FloatLogSlider) SetValue(v float64) error { return w.Set("value", v) }

// IntRangeSlider selects an interval of integers.
type IntRangeSlider struct {
	Widget
	DOM
	Described
	// Behavior is how the handles react to the mouse (see IntSlider).
	Behavior string `widget:"behavior"`
	// ContinuousUpdate sends the value while a handle moves.
	ContinuousUpdate bool `widget:"continuous_update"`
	// Disabled stops the user from changing the value.
	Disabled bool `widget:"disabled"`
	// Min and Max bound the interval; Step is its increment.
	Min  int `widget:"min"`
	Max  int `widget:"max"`
	Step int `widget:"step"`
	// Orientation is "horizontal" or "vertical".
	Orientation string `widget:"orientation"`
	// Readout shows the interval, formatted by ReadoutFormat.
	Readout       bool   `widget:"readout"`
	ReadoutFormat string `widget:"readout_format"`
	// Style is the slider's style.
	Style *SliderStyle `widget:"style"`
	// Value is the interval [lower, upper].
	Value [2]int `widget:"value"`
}

// NewIntRangeSlider returns an IntRangeSlider with the protocol's
// defaults: [0, 1] in [0, 100].
func NewIntRangeSlider() *IntRangeSlider {
	w := &IntRangeSlider{DOM: newDOM(), Behavior: "drag-tap", ContinuousUpdate: true, Max: 100, Step: 1,
		Orientation: "horizontal", Readout: true, ReadoutFormat: "d", Style: NewSliderStyle(), Value: [2]int{0, 1}}
	create(w, controlSpec("IntRangeSliderModel", "IntRangeSliderView"))
	return w
}

// SetValue sets the interval, sends it and calls the observers.
func (w *IntRangeSlider) SetValue(lower, upper int) error {
	return w.Set("value", [2]int{lower, upper})
}

// Selection is the state of a control that selects one of several
// labelled options.
type Selection struct {
	// Options are the labels of the options.
	Options []string `widget:"_options_labels"`
	// Index is the selected option's index (nil: none).
	Index *int `widget:"index"`
}

// Selected returns the selected option's label, or "" when none is.
func (s *Selection) Selected() string {
	if s.Index == nil || *s.Index < 0 || *s.Index >= len(s.Options) {
		return ""
	}
	return s.Options[*s.Index]
}

func selectFirst(options []string) *int {
	if len(options) == 0 {
		return nil
	}
	i := 0
	return &i
}

// Dropdown selects one option from a drop-down list.
type Dropdown struct {
	Widget
	DOM
	Described
	Selection
	// Disabled stops the user from changing the selection.
	Disabled bool `widget:"disabled"`
	// Style is the description's style.
	Style *DescriptionStyle `widget:"style"`
}

// NewDropdown returns a Dropdown over options, the first one selected (no
// options: the protocol's defaults, nothing selected).
func NewDropdown(options ...string) *Dropdown {
	w := &Dropdown{DOM: newDOM(), Selection: Selection{Options: append([]string{}, options...), Index: selectFirst(options)},
		Style: NewDescriptionStyle()}
	create(w, controlSpec("DropdownModel", "DropdownView"))
	return w
}

// SetIndex selects option i (-1: none), sends it and calls the observers.
func (w *Dropdown) SetIndex(i int) error { return setIndex(&w.Widget, i) }

func setIndex(w *Widget, i int) error {
	if i < 0 {
		return w.Set("index", (*int)(nil))
	}
	return w.Set("index", &i)
}

// ToggleButtons selects one option from a row of buttons.
type ToggleButtons struct {
	Widget
	DOM
	Described
	Selection
	// ButtonStyle is "primary", "success", "info", "warning", "danger" or "".
	ButtonStyle string `widget:"button_style"`
	// Disabled stops the user from changing the selection.
	Disabled bool `widget:"disabled"`
	// Icons are Font Awesome icon names, one per option.
	Icons []string `widget:"icons"`
	// Tooltips are hover texts, one per option.
	Tooltips []string `widget:"tooltips"`
	// Style is the buttons' style.
	Style *ToggleButtonsStyle `widget:"style"`
}

// NewToggleButtons returns ToggleButtons over options, the first one
// selected (no options: the protocol's defaults, nothing selected).
func NewToggleButtons(options ...string) *ToggleButtons {
	w := &ToggleButtons{DOM: newDOM(), Selection: Selection{Options: append([]string{}, options...), Index: selectFirst(options)},
		Icons: []string{}, Tooltips: []string{}, Style: NewToggleButtonsStyle()}
	create(w, controlSpec("ToggleButtonsModel", "ToggleButtonsView"))
	return w
}

// SetIndex selects option i (-1: none), sends it and calls the observers.
func (w *ToggleButtons) SetIndex(i int) error { return setIndex(&w.Widget, i) }

// Checkbox is a boolean check box.
type Checkbox struct {
	Widget
	DOM
	Described
	// Disabled stops the user from changing the value.
	Disabled bool `widget:"disabled"`
	// Indent aligns the box with other controls' descriptions.
	Indent bool `widget:"indent"`
	// Style is the check box's style.
	Style *CheckboxStyle `widget:"style"`
	// Value is whether the box is checked.
	Value bool `widget:"value"`
}

// NewCheckbox returns an unchecked Checkbox.
func NewCheckbox() *Checkbox {
	w := &Checkbox{DOM: newDOM(), Indent: true, Style: NewCheckboxStyle()}
	create(w, controlSpec("CheckboxModel", "CheckboxView"))
	return w
}

// SetValue checks or unchecks the box, sends it and calls the observers.
func (w *Checkbox) SetValue(v bool) error { return w.Set("value", v) }

// Button is a push button; OnClick registers what a click does.
type Button struct {
	Widget
	DOM
	// ButtonStyle is "primary", "success", "info", "warning", "danger" or "".
	ButtonStyle string `widget:"button_style"`
	// Description is the button's label.
	Description string `widget:"description"`
	// Disabled greys the button out.
	Disabled bool `widget:"disabled"`
	// Icon is a Font Awesome icon name.
	Icon string `widget:"icon"`
	// Style is the button's style.
	Style *ButtonStyle `widget:"style"`
}

// NewButton returns a Button labelled description.
func NewButton(description string) *Button {
	w := &Button{DOM: newDOM(), Description: description, Style: NewButtonStyle()}
	create(w, controlSpec("ButtonModel", "ButtonView"))
	return w
}

// OnClick registers f to be called, with the button, each time the button
// is clicked in the front end.
func (w *Button) OnClick(f func(b *Button)) {
	w.OnCustom(func(content json.RawMessage, _ [][]byte) {
		if isClick(content) {
			f(w)
		}
	})
}

// Click calls the button's click handlers as a click in the front end
// does.
func (w *Button) Click() {
	w.must()
	w.mu.Lock()
	hs := append([]func(json.RawMessage, [][]byte){}, w.customs...)
	w.mu.Unlock()
	for _, h := range hs {
		h([]byte(`{"event":"click"}`), nil)
	}
}

// Text is a single-line text field.
type Text struct {
	Widget
	DOM
	Described
	// ContinuousUpdate sends the value at each keystroke, not only on
	// Enter or loss of focus.
	ContinuousUpdate bool `widget:"continuous_update"`
	// Disabled stops the user from editing.
	Disabled bool `widget:"disabled"`
	// Placeholder is shown while the field is empty.
	Placeholder string `widget:"placeholder"`
	// Style is the field's style.
	Style *TextStyle `widget:"style"`
	// Value is the text.
	Value string `widget:"value"`
}

// NewText returns an empty Text field.
func NewText() *Text {
	w := &Text{DOM: newDOM(), ContinuousUpdate: true, Placeholder: "\u200b", Style: NewTextStyle()}
	create(w, controlSpec("TextModel", "TextView"))
	return w
}

// SetValue sets the text, sends it and calls the observers.
func (w *Text) SetValue(v string) error { return w.Set("value", v) }

// Textarea is a multi-line text field.
type Textarea struct {
	Widget
	DOM
	Described
	// ContinuousUpdate sends the value at each keystroke.
	ContinuousUpdate bool `widget:"continuous_update"`
	// Disabled stops the user from editing.
	Disabled bool `widget:"disabled"`
	// Placeholder is shown while the field is empty.
	Placeholder string `widget:"placeholder"`
	// Rows is the number of rows shown (nil: the front end's default).
	Rows *int `widget:"rows"`
	// Style is the field's style.
	Style *TextStyle `widget:"style"`
	// Value is the text.
	Value string `widget:"value"`
}

// NewTextarea returns an empty Textarea.
func NewTextarea() *Textarea {
	w := &Textarea{DOM: newDOM(), ContinuousUpdate: true, Placeholder: "\u200b", Style: NewTextStyle()}
	create(w, controlSpec("TextareaModel", "TextareaView"))
	return w
}

// SetValue sets the text, sends it and calls the observers.
func (w *Textarea) SetValue(v string) error { return w.Set("value", v) }

// Label shows a line of plain text.
type Label struct {
	Widget
	DOM
	Described
	// Placeholder is shown while Value is empty.
	Placeholder string `widget:"placeholder"`
	// Style is the label's style.
	Style *LabelStyle `widget:"style"`
	// Value is the text.
	Value string `widget:"value"`
}

// NewLabel returns a Label showing value.
func NewLabel(value string) *Label {
	w := &Label{DOM: newDOM(), Placeholder: "\u200b", Style: NewLabelStyle(), Value: value}
	create(w, controlSpec("LabelModel", "LabelView"))
	return w
}

// SetValue sets the text, sends it and calls the observers.
func (w *Label) SetValue(v string) error { return w.Set("value", v) }

// HTML shows HTML.
type HTML struct {
	Widget
	DOM
	Described
	// Placeholder is shown while Value is empty.
	Placeholder string `widget:"placeholder"`
	// Style is the widget's style.
	Style *HTMLStyle `widget:"style"`
	// Value is the HTML.
	Value string `widget:"value"`
}

// NewHTML returns an HTML widget showing value.
func NewHTML(value string) *HTML {
	w := &HTML{DOM: newDOM(), Placeholder: "\u200b", Style: NewHTMLStyle(), Value: value}
	create(w, controlSpec("HTMLModel", "HTMLView"))
	return w
}

// SetValue sets the HTML, sends it and calls the observers.
func (w *HTML) SetValue(v string) error { return w.Set("value", v) }

// HTMLMath shows HTML with LaTeX math between $ signs.
type HTMLMath struct {
	Widget
	DOM
	Described
	// Placeholder is shown while Value is empty.
	Placeholder string `widget:"placeholder"`
	// Style is the widget's style.
	Style *HTMLMathStyle `widget:"style"`
	// Value is the HTML.
	Value string `widget:"value"`
}

// NewHTMLMath returns an HTMLMath widget showing value.
func NewHTMLMath(value string) *HTMLMath {
	w := &HTMLMath{DOM: newDOM(), Placeholder: "\u200b", Style: NewHTMLMathStyle(), Value: value}
	create(w, controlSpec("HTMLMathModel", "HTMLMathView"))
	return w
}

// SetValue sets the HTML, sends it and calls the observers.
func (w *HTMLMath) SetValue(v string) error { return w.Set("value", v) }

// Image shows an encoded image; its bytes travel as a binary buffer.
type Image struct {
	Widget
	DOM
	// Format is the image format: "png", "jpeg", "gif", "svg+xml", ...
	Format string `widget:"format"`
	// Width and Height are CSS sizes ("" : the image's own).
	Width  string `widget:"width"`
	Height string `widget:"height"`
	// Value is the encoded image.
	Value []byte `widget:"value"`
}

// NewImage returns an Image showing the encoded image value of format
// ("png" when empty).
func NewImage(value []byte, format string) *Image {
	if format == "" {
		format = "png"
	}
	w := &Image{DOM: newDOM(), Format: format, Value: value}
	create(w, controlSpec("ImageModel", "ImageView"))
	return w
}

// SetValue replaces the image, sends it and calls the observers.
func (w *Image) SetValue(v []byte) error { return w.Set("value", v) }

// Play is an animation control that steps Value from Min to Max every
// Interval milliseconds while playing.
type Play struct {
	Widget
	DOM
	Described
	// Disabled stops the user from using the control.
	Disabled bool `widget:"disabled"`
	// Interval is the time between steps, in milliseconds.
	Interval int `widget:"interval"`
	// Min and Max bound the value; Step is its increment.
	Min  int `widget:"min"`
	Max  int `widget:"max"`
	Step int `widget:"step"`
	// Playing is whether the animation runs.
	Playing bool `widget:"playing"`
	// Repeat restarts at Min after Max; ShowRepeat shows its button.
	Repeat     bool `widget:"repeat"`
	ShowRepeat bool `widget:"show_repeat"`
	// Style is the description's style.
	Style *DescriptionStyle `widget:"style"`
	// Value is the current step.
	Value int `widget:"value"`
}

// NewPlay returns a Play control with the protocol's defaults: 0 to 100,
// step 1, every 100 ms.
func NewPlay() *Play {
	w := &Play{DOM: newDOM(), Interval: 100, Max: 100, Step: 1, ShowRepeat: true, Style: NewDescriptionStyle()}
	create(w, controlSpec("PlayModel", "PlayView"))
	return w
}

// SetValue sets the step, sends it and calls the observers.
func (w *Play) SetValue(v int) error { return w.Set("value", v) }

// Link keeps two attributes of two models equal in the front end, with no
// round trip through the kernel (ipywidgets' jslink).
type Link struct {
	Widget
	// Source and Target are the linked attributes.
	Source Endpoint `widget:"source"`
	Target Endpoint `widget:"target"`
}

// JSLink links attribute sourceName of source to targetName of target in
// the front end.
func JSLink(source Model, sourceName string, target Model, targetName string) *Link {
	w := &Link{Source: Endpoint{source, sourceName}, Target: Endpoint{target, targetName}}
	create(w, spec{"LinkModel", controls, modVersion, "", controls, modVersion})
	w.mgr.open(w)
	return w
}

// DirectionalLink copies one attribute of a model to another's in the
// front end, one way, with no round trip through the kernel (ipywidgets'
// jsdlink).
type DirectionalLink struct {
	Widget
	// Source is the attribute copied; Target receives it.
	Source Endpoint `widget:"source"`
	Target Endpoint `widget:"target"`
}

// JSDLink copies attribute sourceName of source to targetName of target
// in the front end, whenever it changes there.
func JSDLink(source Model, sourceName string, target Model, targetName string) *DirectionalLink {
	w := &DirectionalLink{Source: Endpoint{source, sourceName}, Target: Endpoint{target, targetName}}
	create(w, spec{"DirectionalLinkModel", controls, modVersion, "", controls, modVersion})
	w.mgr.open(w)
	return w
}

// progressState is the state the progress bars share.
type progressState struct {
	// BarStyle is "success", "info", "warning", "danger" or "".
	BarStyle string `widget:"bar_style"`
	// Orientation is "horizontal" or "vertical".
	Orientation string `widget:"orientation"`
	// Style is the bar's style.
	Style *ProgressStyle `widget:"style"`
}

// IntProgress is a progress bar over integers.
type IntProgress struct {
	Widget
	DOM
	Described
	progressState
	// Min and Max bound the value.
	Min int `widget:"min"`
	Max int `widget:"max"`
	// Value is the progress.
	Value int `widget:"value"`
}

// NewIntProgress returns an IntProgress at 0 of [0, 100].
func NewIntProgress() *IntProgress {
	w := &IntProgress{DOM: newDOM(), progressState: progressState{Orientation: "horizontal", Style: NewProgressStyle()}, Max: 100}
	create(w, controlSpec("IntProgressModel", "ProgressView"))
	return w
}

// SetValue sets the progress, sends it and calls the observers.
func (w *IntProgress) SetValue(v int) error { return w.Set("value", v) }

// FloatProgress is a progress bar over real numbers.
type FloatProgress struct {
	Widget
	DOM
	Described
	progressState
	// Min and Max bound the value.
	Min float64 `widget:"min"`
	Max float64 `widget:"max"`
	// Value is the progress.
	Value float64 `widget:"value"`
}

// NewFloatProgress returns a FloatProgress at 0 of [0, 100].
func NewFloatProgress() *FloatProgress {
	w := &FloatProgress{DOM: newDOM(), progressState: progressState{Orientation: "horizontal", Style: NewProgressStyle()}, Max: 100}
	create(w, controlSpec("FloatProgressModel", "ProgressView"))
	return w
}

// SetValue sets the progress, sends it and calls the observers.
func (w *FloatProgress) SetValue(v float64) error { return w.Set("value", v) }

// boxState is the state the layout boxes share.
type boxState struct {
	// BoxStyle is "success", "info", "warning", "danger" or "".
	BoxStyle string `widget:"box_style"`
	// Children are the widgets in the box.
	Children []Model `widget:"children"`
}

// HBox lays its children out in a row.
type HBox struct {
	Widget
	DOM
	boxState
}

// NewHBox returns an HBox of children.
func NewHBox(children ...Model) *HBox {
	w := &HBox{DOM: newDOM(), boxState: boxState{Children: append([]Model{}, children...)}}
	create(w, controlSpec("HBoxModel", "HBoxView"))
	return w
}

// VBox lays its children out in a column.
type VBox struct {
	Widget
	DOM
	boxState
}

// NewVBox returns a VBox of children.
func NewVBox(children ...Model) *VBox {
	w := &VBox{DOM: newDOM(), boxState: boxState{Children: append([]Model{}, children...)}}
	create(w, controlSpec("VBoxModel", "VBoxView"))
	return w
}

// GridBox lays its children out in a CSS grid, set through its Layout
// (GridTemplateColumns, GridTemplateRows, GridGap, ...).
type GridBox struct {
	Widget
	DOM
	boxState
}

// NewGridBox returns a GridBox of children.
func NewGridBox(children ...Model) *GridBox {
	w := &GridBox{DOM: newDOM(), boxState: boxState{Children: append([]Model{}, children...)}}
	create(w, controlSpec("GridBoxModel", "GridBoxView"))
	return w
}

// isClick reports whether a button's custom message is a click.
func isClick(content json.RawMessage) bool {
	var c struct {
		Event string `json:"event"`
	}
	return json.Unmarshal(content, &c) == nil && c.Event == "click"
}
