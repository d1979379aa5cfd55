package session

import (
	"reflect"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// clearRecovered forgets the panic that the interpreter's global frame
// keeps after a cell ended in a panic: the interpreter leaves it in the
// frame, and a later recover() in a function declared at a cell's top
// level returned it (where Go returns nil).
func clearRecovered(i *interp.Interpreter) {
	defer func() { recover() }()
	fr := reflect.ValueOf(i).Elem().FieldByName("frame")
	if !fr.IsValid() || fr.Kind() != reflect.Pointer || fr.IsNil() {
		return
	}
	rec := fr.Elem().FieldByName("recovered")
	if !rec.IsValid() || rec.Kind() != reflect.Interface || rec.IsNil() {
		return
	}
	reflect.NewAt(rec.Type(), unsafe.Pointer(rec.UnsafeAddr())).Elem().Set(reflect.Zero(rec.Type()))
}
