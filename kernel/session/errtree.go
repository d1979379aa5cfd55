package session

import (
	"errors"
	"fmt"
	"reflect"
)

// Compiled errors.Is, errors.As and errors.Unwrap do not see the methods
// of an error type declared in a cell: the interpreter hands compiled
// code such an error wrapped in a struct that has only an Error method.
// The cells' Unwrap and Is methods are registered with the types (see
// noteCellTypes), and the kernel walks error trees with them.

// errMethods are the Unwrap and Is methods of a cell type.
type errMethods struct {
	unwrap    func(any) error
	unwrapAll func(any) []error
	is        func(any, error) bool
}

// noteErrMethod records the method Unwrap (func(any) error or
// func(any) []error) or Is (func(any, error) bool) of the type name.
func (r *cellTypes) noteErrMethod(name, method string, call any) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := r.byName[name]
	if t == nil {
		return false
	}
	switch f := call.(type) {
	case func(any) error:
		t.errs.unwrap = f
	case func(any) []error:
		t.errs.unwrapAll = f
	case func(any, error) bool:
		t.errs.is = f
	}
	return true
}

// interpValue returns the interpreted value that err holds, and the cell
// type with error methods that it is of (nil when none). err is an error
// that the interpreter wrapped for compiled code, or a value of a cell
// type handed over as it is.
func (r *cellTypes) interpValue(err any) (any, *cellType) {
	v := reflect.ValueOf(err)
	for v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct && v.Elem().Type().Name() == "_error" {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct || !v.FieldByName("WError").IsValid() {
		if u, wrapped := unwrapInterp(v); wrapped && u.IsValid() && u.CanInterface() {
			v = u
		}
	}
	if v.Kind() == reflect.Struct && v.FieldByName("WError").IsValid() {
		iv := v.FieldByName("IValue")
		if !iv.IsValid() || !iv.CanInterface() || iv.IsNil() {
			return err, nil
		}
		v = iv.Elem()
		if u, wrapped := unwrapInterp(v); wrapped && u.IsValid() && u.CanInterface() {
			v = u
		}
		r.checkHeld(v.Type())
	}
	if !v.IsValid() || !v.CanInterface() {
		return err, nil
	}
	rt := v.Type()
	if rt.Kind() == reflect.Pointer {
		rt = rt.Elem()
	}
	var found *cellType
	for _, c := range r.candidates(rt) {
		if c.errs.unwrap != nil || c.errs.unwrapAll != nil || c.errs.is != nil {
			if found != nil {
				panic(fmt.Sprintf("errors: the interpreter stores the values of main.%s and main.%s alike, and both have Unwrap or Is methods: the kernel cannot tell which an error is; give one of them a different structure",
					found.name, c.name))
			}
			found = c
		}
	}
	return v.Interface(), found
}

// walkErrors calls visit with each error of the tree of err, depth first
// in the order of errors.Is, and the interpreted value it holds, until
// visit returns true.
func (r *cellTypes) walkErrors(err any, visit func(e any, inner any, t *cellType) bool) bool {
	for err != nil {
		inner, t := r.interpValue(err)
		if visit(err, inner, t) {
			return true
		}
		var next any
		var all []error
		switch {
		case t != nil && t.errs.unwrap != nil:
			if e := t.errs.unwrap(inner); e != nil {
				next = e
			}
		case t != nil && t.errs.unwrapAll != nil:
			all = t.errs.unwrapAll(inner)
		default:
			switch u := err.(type) {
			case interface{ Unwrap() error }:
				if e := u.Unwrap(); e != nil {
					next = e
				}
			case interface{ Unwrap() []error }:
				all = u.Unwrap()
			}
		}
		if all != nil {
			for _, e := range all {
				if r.walkErrors(e, visit) {
					return true
				}
			}
			return false
		}
		err = next
	}
	return false
}

// errorTree lists err and the errors it wraps, depth first, in the order
// errors.As visits them, as interpreted values that interpreted code can
// assert to its types.
func (r *cellTypes) errorTree(err any) []any {
	var out []any
	r.walkErrors(err, func(_ any, inner any, _ *cellType) bool {
		out = append(out, inner)
		return false
	})
	return out
}

// errorsIs is errors.Is, with the Unwrap and Is methods of the cells'
// error types.
func (r *cellTypes) errorsIs(err any, target error) bool {
	if err == nil || target == nil {
		return err == nil && target == nil
	}
	tInner, _ := r.interpValue(target)
	comparable := reflect.TypeOf(tInner).Comparable()
	return r.walkErrors(err, func(e any, inner any, t *cellType) bool {
		if comparable && reflect.TypeOf(inner) == reflect.TypeOf(tInner) && reflect.TypeOf(inner).Comparable() && inner == tInner {
			return true
		}
		if t != nil {
			return t.errs.is != nil && t.errs.is(inner, target)
		}
		if x, ok := e.(interface{ Is(error) bool }); ok && x.Is(target) {
			return true
		}
		return false
	})
}

// errorsUnwrap is errors.Unwrap, with the Unwrap methods of the cells'
// error types.
func (r *cellTypes) errorsUnwrap(err any) error {
	if err == nil {
		return nil
	}
	if inner, t := r.interpValue(err); t != nil {
		if t.errs.unwrap != nil {
			return t.errs.unwrap(inner)
		}
		return nil
	}
	if e, ok := err.(error); ok {
		return errors.Unwrap(e)
	}
	return nil
}

// checkHeld panics when the interpreter's wrapper of an error held the
// value of type rt that no error type of the cells has: the interpreter
// loses a struct value whose Error method has a value receiver once it is
// held in an error (the wrapper holds one of its fields), and walking its
// tree would silently miss its Unwrap and Is methods.
func (r *cellTypes) checkHeld(rt reflect.Type) {
	if rt.Kind() == reflect.Pointer || rt.Kind() == reflect.Interface {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.byName {
		if t.params != nil || t.rtype == rt {
			return // a generic type may be it; or a type of the cells is
		}
	}
	if _, ok := reflect.New(rt).Elem().Interface().(error); ok {
		return
	}
	panic(fmt.Sprintf("errors: an error of a struct type whose Error method has a value receiver is held in an error variable, and the interpreter lost its value (it holds a %s); declare the methods with pointer receivers (func (e *T) Error() string) and use *T", rt))
}
