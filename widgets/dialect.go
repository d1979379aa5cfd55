package widgets

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strconv"
)

// The classic dialect (jupyter-js-widgets 2.1) names some state
// differently: a selection's value is its label (there is no index), Play's
// playing is _playing, an Image's bytes travel as base64 text in
// _b64value, IntRangeSlider is an IntSliderModel with _range set, the
// progress bars are ProgressModel, and there is no FloatLogSlider (shown as
// a FloatSlider over base**min .. base**max, with the same value: a
// FloatLogSlider's Value is the value shown, not its exponent) or GridBox
// (shown as a Box).
// Models without a classic counterpart (most style models) are not sent.

const classicModule = "jupyter-js-widgets"

func isSelection(model string) bool {
	return model == "DropdownModel" || model == "ToggleButtonsModel"
}

// classicNames maps the modern attributes names of a model to the classic
// attributes that carry them.
func classicNames(model string, names []string) map[string]bool {
	out := map[string]bool{}
	for _, n := range names {
		switch {
		case n == "index" && isSelection(model), n == "_options_labels" && isSelection(model):
			out["value"] = true
			out["_options_labels"] = true
		case n == "playing" && model == "PlayModel":
			out["_playing"] = true
		case n == "value" && model == "ImageModel":
			out["_b64value"] = true
		case model == "FloatLogSliderModel" && (n == "value" || n == "min" || n == "max" || n == "base"):
			out["value"], out["min"], out["max"], out["step"] = true, true, true, true
		default:
			out[n] = true
		}
	}
	return out
}

// classicState is the classic form of the attributes names of m (all of
// them, the classic model's own included, when names is nil): the flat
// state of comm_open or of an update. Binary values are base64 text, so no
// buffers are needed.
func classicState(m Model, e *encoded, names []string) (map[string]any, []string, [][]byte) {
	model := m.core().spec.model
	cm, ok := classicModels[model]
	if !ok {
		return map[string]any{}, []string{}, nil
	}
	want := classicNames(model, names)
	st := map[string]any{}
	for _, a := range cm.attrs {
		if names != nil && !want[a.name] {
			continue
		}
		st[a.name] = classicValue(model, e, a)
	}
	return st, []string{}, nil
}

func classicValue(model string, e *encoded, a classicAttr) json.RawMessage {
	q := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	num := func(name string) float64 {
		f, _ := strconv.ParseFloat(string(e.values[name]), 64)
		return f
	}
	switch a.name {
	case "_model_module", "_view_module":
		return q(classicModule)
	case "_model_module_version", "_view_module_version":
		return q(ClassicVersion)
	case "_model_name", "_view_name", "_range", "msg_throttle":
		return json.RawMessage(a.def)
	case "_playing":
		return e.values["playing"]
	case "_b64value":
		return q(base64.StdEncoding.EncodeToString(e.bufs["value"]))
	}
	if isSelection(model) && a.name == "value" {
		var labels []string
		var index *int
		json.Unmarshal(e.values["_options_labels"], &labels)
		json.Unmarshal(e.values["index"], &index)
		if index == nil || *index < 0 || *index >= len(labels) {
			return json.RawMessage("null")
		}
		return q(labels[*index])
	}
	if model == "FloatLogSliderModel" {
		b := num("base")
		lo, hi := math.Pow(b, num("min")), math.Pow(b, num("max"))
		switch a.name {
		case "value":
			return e.values["value"] // the value shown, Base**exponent
		case "min":
			return jsonFloat(lo)
		case "max":
			return jsonFloat(hi)
		case "step":
			return jsonFloat((hi - lo) / 1000)
		}
	}
	raw, ok := e.values[a.name]
	if !ok || (string(raw) == "null" && a.def != "" && a.def != "null") {
		return json.RawMessage(a.def)
	}
	return raw
}

func jsonFloat(f float64) json.RawMessage {
	b, err := json.Marshal(f)
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// fromClassic turns the sync_data of a classic front end's message into
// modern attributes.
func fromClassic(m Model, sync map[string]json.RawMessage, bufs map[string][]byte, mg *Manager) (map[string]json.RawMessage, map[string][]byte) {
	model := m.core().spec.model
	st := map[string]json.RawMessage{}
	out := map[string][]byte{}
	for k, b := range bufs {
		if k == "_b64value" {
			k = "value"
		}
		out[k] = b
	}
	for k, raw := range sync {
		switch {
		case k == "_playing":
			st["playing"] = raw
		case k == "_b64value" && model == "ImageModel":
			var s string
			if json.Unmarshal(raw, &s) == nil {
				if b, err := base64.StdEncoding.DecodeString(s); err == nil {
					out["value"] = b
				}
			}
		case k == "value" && isSelection(model):
			var label *string
			json.Unmarshal(raw, &label)
			mg.mu.Lock()
			e, err := encodeModel(m)
			mg.mu.Unlock()
			if err != nil {
				continue
			}
			var labels []string
			json.Unmarshal(e.values["_options_labels"], &labels)
			st["index"] = json.RawMessage("null")
			for i, l := range labels {
				if label != nil && l == *label {
					st["index"] = json.RawMessage(strconv.Itoa(i))
					break
				}
			}
		default:
			st[k] = raw
		}
	}
	return st, out
}
