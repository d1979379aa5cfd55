package session

import (
	"context"
	"reflect"
	"unsafe"

	"github.com/dcem-go/dcem/kernel/display"
)

// richMethods are the display methods tried on a final value of an
// interpreted type, in order of preference, with the MIME type each gives.
var richMethods = []struct{ name, mime string }{
	{"MIMEBundle", ""},
	{"HTML", "text/html"},
	{"Markdown", "text/markdown"},
	{"SVG", "image/svg+xml"},
	{"PNG", "image/png"},
	{"JPEG", "image/jpeg"},
	{"Latex", "text/latex"},
}

// setResult receives a cell's final value. A value of an interpreted type
// with methods arrives wrapped by the interpreter; it is unwrapped, and its
// display methods are called later by renderMethods.
func (s *Session) setResult(v any) {
	inner, wrapped := unwrapInterpreted(v)
	if _, ok := inner.(*display.Handle); ok {
		// display.Show(x) as the last line shows x once, not its handle.
		return
	}
	b := display.MIME(inner)
	s.resMu.Lock()
	s.result = b
	s.resWrapped = wrapped
	s.resMu.Unlock()
}

// unwrapInterpreted returns the Go value inside yaegi's wrapper of an
// interpreted value with methods, and whether v was so wrapped.
func unwrapInterpreted(v any) (inner any, wrapped bool) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Struct || rv.Type().String() != "interp.valueInterface" {
		return v, false
	}
	f, ok := rv.Type().FieldByName("value")
	if !ok || f.Type != reflect.TypeOf(reflect.Value{}) {
		return v, false
	}
	cp := reflect.New(rv.Type()).Elem()
	cp.Set(rv)
	iv := *(*reflect.Value)(unsafe.Pointer(cp.Field(f.Index[0]).UnsafeAddr()))
	if !iv.IsValid() || !iv.CanInterface() {
		return nil, true
	}
	return iv.Interface(), true
}

// renderMethods adds to b what the display methods of the interpreted value
// in lastVar give: the first rich form, and String for text/plain.
func (s *Session) renderMethods(ctx context.Context, b display.Bundle) {
	for _, m := range richMethods {
		v, err := s.evalValue(ctx, lastVar+"."+m.name+"()")
		if err != nil || !v.IsValid() || !v.CanInterface() {
			continue
		}
		if m.mime == "" {
			if mb, ok := v.Interface().(map[string]any); ok {
				for k, d := range mb {
					b[k] = d
				}
				break
			}
			continue
		}
		b[m.mime] = v.Interface()
		break
	}
	if v, err := s.evalValue(ctx, lastVar+".String()"); err == nil && v.IsValid() && v.Kind() == reflect.String {
		b["text/plain"] = v.String()
	}
}

// evalFinal runs a cell's final expression, compiled by check, and
// returns the rendered value when it has exactly one; the expression runs
// once.
func (s *Session) evalFinal(ctx context.Context, st step) (display.Bundle, error) {
	if !st.single {
		return nil, s.exec(ctx, st.prog)
	}
	s.resMu.Lock()
	s.result, s.resWrapped = nil, false
	s.resMu.Unlock()
	if err := s.exec(ctx, st.prog); err != nil {
		return nil, err
	}
	s.resMu.Lock()
	result, wrapped := s.result, s.resWrapped
	s.resMu.Unlock()
	if wrapped && result != nil {
		s.renderMethods(ctx, result)
	}
	return result, nil
}
