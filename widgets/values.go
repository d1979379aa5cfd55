package widgets

// CSS returns a pointer to value, for the optional (*string) fields of
// Layout, the style models and DOM.Tooltip:
//
//	s.Layout.Width = widgets.CSS("50%")
//	s.Style.HandleColor = widgets.CSS("tomato")
func CSS(value string) *string { return &value }

// Bool returns a pointer to b, for optional boolean fields such as
// DOM.Tabbable.
func Bool(b bool) *bool { return &b }

// Int returns a pointer to i, for optional integer fields such as
// Textarea.Rows and Selection.Index.
func Int(i int) *int { return &i }
