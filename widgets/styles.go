package widgets

// Layout holds the CSS layout of a widget: each field, when not nil, sets
// the CSS property of the same name (underscores for dashes).
type Layout struct {
	Widget
	// AlignContent: the align-content CSS attribute.
	AlignContent *string `widget:"align_content"`
	// AlignItems: the align-items CSS attribute.
	AlignItems *string `widget:"align_items"`
	// AlignSelf: the align-self CSS attribute.
	AlignSelf *string `widget:"align_self"`
	// BorderBottom: the border bottom CSS attribute.
	BorderBottom *string `widget:"border_bottom"`
	// BorderLeft: the border left CSS attribute.
	BorderLeft *string `widget:"border_left"`
	// BorderRight: the border right CSS attribute.
	BorderRight *string `widget:"border_right"`
	// BorderTop: the border top CSS attribute.
	BorderTop *string `widget:"border_top"`
	// Bottom: the bottom CSS attribute.
	Bottom *string `widget:"bottom"`
	// Display: the display CSS attribute.
	Display *string `widget:"display"`
	// Flex: the flex CSS attribute.
	Flex *string `widget:"flex"`
	// FlexFlow: the flex-flow CSS attribute.
	FlexFlow *string `widget:"flex_flow"`
	// GridArea: the grid-area CSS attribute.
	GridArea *string `widget:"grid_area"`
	// GridAutoColumns: the grid-auto-columns CSS attribute.
	GridAutoColumns *string `widget:"grid_auto_columns"`
	// GridAutoFlow: the grid-auto-flow CSS attribute.
	GridAutoFlow *string `widget:"grid_auto_flow"`
	// GridAutoRows: the grid-auto-rows CSS attribute.
	GridAutoRows *string `widget:"grid_auto_rows"`
	// GridColumn: the grid-column CSS attribute.
	GridColumn *string `widget:"grid_column"`
	// GridGap: the grid-gap CSS attribute.
	GridGap *string `widget:"grid_gap"`
	// GridRow: the grid-row CSS attribute.
	GridRow *string `widget:"grid_row"`
	// GridTemplateAreas: the grid-template-areas CSS attribute.
	GridTemplateAreas *string `widget:"grid_template_areas"`
	// GridTemplateColumns: the grid-template-columns CSS attribute.
	GridTemplateColumns *string `widget:"grid_template_columns"`
	// GridTemplateRows: the grid-template-rows CSS attribute.
	GridTemplateRows *string `widget:"grid_template_rows"`
	// Height: the height CSS attribute.
	Height *string `widget:"height"`
	// JustifyContent: the justify-content CSS attribute.
	JustifyContent *string `widget:"justify_content"`
	// JustifyItems: the justify-items CSS attribute.
	JustifyItems *string `widget:"justify_items"`
	// Left: the left CSS attribute.
	Left *string `widget:"left"`
	// Margin: the margin CSS attribute.
	Margin *string `widget:"margin"`
	// MaxHeight: the max-height CSS attribute.
	MaxHeight *string `widget:"max_height"`
	// MaxWidth: the max-width CSS attribute.
	MaxWidth *string `widget:"max_width"`
	// MinHeight: the min-height CSS attribute.
	MinHeight *string `widget:"min_height"`
	// MinWidth: the min-width CSS attribute.
	MinWidth *string `widget:"min_width"`
	// ObjectFit: the object-fit CSS attribute.
	ObjectFit *string `widget:"object_fit"`
	// ObjectPosition: the object-position CSS attribute.
	ObjectPosition *string `widget:"object_position"`
	// Order: the order CSS attribute.
	Order *string `widget:"order"`
	// Overflow: the overflow CSS attribute.
	Overflow *string `widget:"overflow"`
	// Padding: the padding CSS attribute.
	Padding *string `widget:"padding"`
	// Right: the right CSS attribute.
	Right *string `widget:"right"`
	// Top: the top CSS attribute.
	Top *string `widget:"top"`
	// Visibility: the visibility CSS attribute.
	Visibility *string `widget:"visibility"`
	// Width: the width CSS attribute.
	Width *string `widget:"width"`
}

// NewLayout returns a Layout with the protocol's defaults.
func NewLayout() *Layout {
	w := &Layout{}
	create(w, spec{"LayoutModel", base, modVersion, "LayoutView", base, modVersion})
	return w
}

// ButtonStyle is the style of a Button widget; nil fields leave the front
// end's defaults.
type ButtonStyle struct {
	Widget
	// ButtonColor: color of the button.
	ButtonColor *string `widget:"button_color"`
	// FontFamily: button text font family.
	FontFamily *string `widget:"font_family"`
	// FontSize: button text font size.
	FontSize *string `widget:"font_size"`
	// FontStyle: button text font style.
	FontStyle *string `widget:"font_style"`
	// FontVariant: button text font variant.
	FontVariant *string `widget:"font_variant"`
	// FontWeight: button text font weight.
	FontWeight *string `widget:"font_weight"`
	// TextColor: button text color.
	TextColor *string `widget:"text_color"`
	// TextDecoration: button text decoration.
	TextDecoration *string `widget:"text_decoration"`
}

// NewButtonStyle returns a ButtonStyle with the protocol's defaults.
func NewButtonStyle() *ButtonStyle {
	w := &ButtonStyle{}
	create(w, styleSpec("ButtonStyleModel"))
	return w
}

// CheckboxStyle is the style of a Checkbox widget; nil fields leave the front
// end's defaults.
type CheckboxStyle struct {
	Widget
	// Background: background specifications.
	Background *string `widget:"background"`
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
}

// NewCheckboxStyle returns a CheckboxStyle with the protocol's defaults.
func NewCheckboxStyle() *CheckboxStyle {
	w := &CheckboxStyle{}
	create(w, styleSpec("CheckboxStyleModel"))
	return w
}

// DescriptionStyle is the style of a described widget; nil fields leave the front
// end's defaults.
type DescriptionStyle struct {
	Widget
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
}

// NewDescriptionStyle returns a DescriptionStyle with the protocol's defaults.
func NewDescriptionStyle() *DescriptionStyle {
	w := &DescriptionStyle{}
	create(w, styleSpec("DescriptionStyleModel"))
	return w
}

// HTMLMathStyle is the style of a HTMLMath widget; nil fields leave the front
// end's defaults.
type HTMLMathStyle struct {
	Widget
	// Background: background specifications.
	Background *string `widget:"background"`
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
	// FontSize: text font size.
	FontSize *string `widget:"font_size"`
	// TextColor: text color.
	TextColor *string `widget:"text_color"`
}

// NewHTMLMathStyle returns a HTMLMathStyle with the protocol's defaults.
func NewHTMLMathStyle() *HTMLMathStyle {
	w := &HTMLMathStyle{}
	create(w, styleSpec("HTMLMathStyleModel"))
	return w
}

// HTMLStyle is the style of a HTML widget; nil fields leave the front
// end's defaults.
type HTMLStyle struct {
	Widget
	// Background: background specifications.
	Background *string `widget:"background"`
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
	// FontSize: text font size.
	FontSize *string `widget:"font_size"`
	// TextColor: text color.
	TextColor *string `widget:"text_color"`
}

// NewHTMLStyle returns a HTMLStyle with the protocol's defaults.
func NewHTMLStyle() *HTMLStyle {
	w := &HTMLStyle{}
	create(w, styleSpec("HTMLStyleModel"))
	return w
}

// LabelStyle is the style of a Label widget; nil fields leave the front
// end's defaults.
type LabelStyle struct {
	Widget
	// Background: background specifications.
	Background *string `widget:"background"`
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
	// FontFamily: label text font family.
	FontFamily *string `widget:"font_family"`
	// FontSize: text font size.
	FontSize *string `widget:"font_size"`
	// FontStyle: label text font style.
	FontStyle *string `widget:"font_style"`
	// FontVariant: label text font variant.
	FontVariant *string `widget:"font_variant"`
	// FontWeight: label text font weight.
	FontWeight *string `widget:"font_weight"`
	// TextColor: text color.
	TextColor *string `widget:"text_color"`
	// TextDecoration: label text decoration.
	TextDecoration *string `widget:"text_decoration"`
}

// NewLabelStyle returns a LabelStyle with the protocol's defaults.
func NewLabelStyle() *LabelStyle {
	w := &LabelStyle{}
	create(w, styleSpec("LabelStyleModel"))
	return w
}

// ProgressStyle is the style of a Progress widget; nil fields leave the front
// end's defaults.
type ProgressStyle struct {
	Widget
	// BarColor: color of the progress bar.
	BarColor *string `widget:"bar_color"`
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
}

// NewProgressStyle returns a ProgressStyle with the protocol's defaults.
func NewProgressStyle() *ProgressStyle {
	w := &ProgressStyle{}
	create(w, styleSpec("ProgressStyleModel"))
	return w
}

// SliderStyle is the style of a Slider widget; nil fields leave the front
// end's defaults.
type SliderStyle struct {
	Widget
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
	// HandleColor: color of the slider handle.
	HandleColor *string `widget:"handle_color"`
}

// NewSliderStyle returns a SliderStyle with the protocol's defaults.
func NewSliderStyle() *SliderStyle {
	w := &SliderStyle{}
	create(w, styleSpec("SliderStyleModel"))
	return w
}

// TextStyle is the style of a Text widget; nil fields leave the front
// end's defaults.
type TextStyle struct {
	Widget
	// Background: background specifications.
	Background *string `widget:"background"`
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
	// FontSize: text font size.
	FontSize *string `widget:"font_size"`
	// TextColor: text color.
	TextColor *string `widget:"text_color"`
}

// NewTextStyle returns a TextStyle with the protocol's defaults.
func NewTextStyle() *TextStyle {
	w := &TextStyle{}
	create(w, styleSpec("TextStyleModel"))
	return w
}

// ToggleButtonsStyle is the style of a ToggleButtons widget; nil fields leave the front
// end's defaults.
type ToggleButtonsStyle struct {
	Widget
	// ButtonWidth: the width of each button.
	ButtonWidth string `widget:"button_width"`
	// DescriptionWidth: width of the description to the side of the control.
	DescriptionWidth string `widget:"description_width"`
	// FontWeight: text font weight of each button.
	FontWeight string `widget:"font_weight"`
}

// NewToggleButtonsStyle returns a ToggleButtonsStyle with the protocol's defaults.
func NewToggleButtonsStyle() *ToggleButtonsStyle {
	w := &ToggleButtonsStyle{}
	create(w, styleSpec("ToggleButtonsStyleModel"))
	return w
}
