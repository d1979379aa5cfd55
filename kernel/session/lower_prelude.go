package session

import "reflect"

// lowerPrelude holds the interpreted helpers that lowered code calls (see
// lower.go). It is evaluated in each new interpreter after the prelude.
const lowerPrelude = `
type __dcemOrdered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64 | ~string
}

func __dcemMin[T __dcemOrdered](a, b T) T {
	if a != a {
		return a
	}
	if b != b || b < a {
		return b
	}
	return a
}

func __dcemMax[T __dcemOrdered](a, b T) T {
	if a != a {
		return a
	}
	if b != b || b > a {
		return b
	}
	return a
}

func __dcemNew[T any](v T) *T { return &v }

func __dcemErr(e error) error { return e }

func __dcemClearSlice[E any](s []E) {
	var zero E
	for i := range s {
		s[i] = zero
	}
}

func __dcemPull0(seq func(func() bool)) (func() bool, func()) {
	vals, resume := make(chan bool), make(chan bool)
	done, finished := make(chan bool), make(chan bool)
	// A panic of seq reaches the loop through perrc (assigning the
	// recovered value to a variable fails inside the interpreter).
	perrc := make(chan interface{}, 1)
	stopped, ended := false, false
	go func() {
		defer close(finished)
		defer close(vals)
		defer func() {
			if r := recover(); r != nil {
				perrc <- r
			}
		}()
		select {
		case <-resume:
		case <-done:
			return
		}
		seq(func() bool {
			select {
			case <-done:
				return false
			default:
			}
			vals <- true
			select {
			case <-resume:
				return true
			case <-done:
				return false
			}
		})
	}()
	next := func() bool {
		if ended || stopped {
			return false
		}
		resume <- true
		_, ok := <-vals
		if !ok {
			ended = true
			select {
			case r := <-perrc:
				panic(r)
			default:
			}
		}
		return ok
	}
	stop := func() {
		if !stopped {
			stopped = true
			close(done)
			<-finished
			select {
			case r := <-perrc:
				panic(r)
			default:
			}
		}
	}
	return next, stop
}

func __dcemPull1[V any](seq func(func(V) bool)) (func() (V, bool), func()) {
	vals, resume := make(chan V), make(chan bool)
	done, finished := make(chan bool), make(chan bool)
	// A panic of seq reaches the loop through perrc (assigning the
	// recovered value to a variable fails inside the interpreter).
	perrc := make(chan interface{}, 1)
	stopped, ended := false, false
	go func() {
		defer close(finished)
		defer close(vals)
		defer func() {
			if r := recover(); r != nil {
				perrc <- r
			}
		}()
		select {
		case <-resume:
		case <-done:
			return
		}
		seq(func(v V) bool {
			select {
			case <-done:
				return false
			default:
			}
			vals <- v
			select {
			case <-resume:
				return true
			case <-done:
				return false
			}
		})
	}()
	next := func() (V, bool) {
		var zero V
		if ended || stopped {
			return zero, false
		}
		resume <- true
		v, ok := <-vals
		if !ok {
			ended = true
			select {
			case r := <-perrc:
				panic(r)
			default:
			}
		}
		return v, ok
	}
	stop := func() {
		if !stopped {
			stopped = true
			close(done)
			<-finished
			select {
			case r := <-perrc:
				panic(r)
			default:
			}
		}
	}
	return next, stop
}

type __dcemPair[K, V any] struct {
	k K
	v V
}

func __dcemPull2[K, V any](seq func(func(K, V) bool)) (func() (K, V, bool), func()) {
	vals, resume := make(chan __dcemPair[K, V]), make(chan bool)
	done, finished := make(chan bool), make(chan bool)
	// A panic of seq reaches the loop through perrc (assigning the
	// recovered value to a variable fails inside the interpreter).
	perrc := make(chan interface{}, 1)
	stopped, ended := false, false
	go func() {
		defer close(finished)
		defer close(vals)
		defer func() {
			if r := recover(); r != nil {
				perrc <- r
			}
		}()
		select {
		case <-resume:
		case <-done:
			return
		}
		seq(func(k K, v V) bool {
			select {
			case <-done:
				return false
			default:
			}
			vals <- __dcemPair[K, V]{k, v}
			select {
			case <-resume:
				return true
			case <-done:
				return false
			}
		})
	}()
	next := func() (K, V, bool) {
		var p __dcemPair[K, V]
		if ended || stopped {
			return p.k, p.v, false
		}
		resume <- true
		p, ok := <-vals
		if !ok {
			ended = true
			select {
			case r := <-perrc:
				panic(r)
			default:
			}
		}
		return p.k, p.v, ok
	}
	stop := func() {
		if !stopped {
			stopped = true
			close(done)
			<-finished
			select {
			case r := <-perrc:
				panic(r)
			default:
			}
		}
	}
	return next, stop
}
`

// identity returns v: an interpreted value that passes through compiled
// code can be asserted to an interface declared in a cell.
func identity(v any) any { return v }

// clearValue is the builtin clear for a map or a slice.
func clearValue(v any) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Map, reflect.Slice:
		rv.Clear()
	default:
		panic("clear: argument must be a map or a slice")
	}
}
