package session

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/traefik/yaegi/interp"
)

// runControl reaches the fields of yaegi's Interpreter (v0.16) through
// which its EvalWithContext and ExecuteWithContext stop a run: the run id
// that every interpreted step checks, and the channel that cancellable
// channel operations select on. The session runs compiled programs in a
// goroutine of its own with them, so that it knows when a program really
// ends (after an interrupt, compiled code it called may still run), and
// without the data race of ExecuteWithContext, whose goroutine writes the
// named results it returns through.
type runControl struct {
	id         *uint64
	mu         *sync.RWMutex
	done       *chan struct{}
	cancelChan *bool
	fastChan   bool
	// inflight counts the programs that run now.
	inflight atomic.Int64
}

func newRunControl(i *interp.Interpreter) (*runControl, error) {
	v := reflect.ValueOf(i).Elem()
	field := func(name string, t reflect.Type) (unsafe.Pointer, error) {
		f := v.FieldByName(name)
		if !f.IsValid() || f.Type() != t {
			return nil, fmt.Errorf("session: this yaegi's Interpreter has no field %s %v (the session needs v0.16)", name, t)
		}
		return unsafe.Pointer(f.UnsafeAddr()), nil
	}
	c := &runControl{}
	p, err := field("id", reflect.TypeOf(uint64(0)))
	if err != nil {
		return nil, err
	}
	c.id = (*uint64)(p)
	if p, err = field("mutex", reflect.TypeOf(sync.RWMutex{})); err != nil {
		return nil, err
	}
	c.mu = (*sync.RWMutex)(p)
	if p, err = field("done", reflect.TypeOf(make(chan struct{}))); err != nil {
		return nil, err
	}
	c.done = (*chan struct{})(p)
	if p, err = field("cancelChan", reflect.TypeOf(false)); err != nil {
		return nil, err
	}
	c.cancelChan = (*bool)(p)
	if p, err = field("fastChan", reflect.TypeOf(false)); err != nil {
		return nil, err
	}
	c.fastChan = *(*bool)(p)
	return c, nil
}

// execute runs prog as ExecuteWithContext does: when ctx is cancelled, it
// stops every interpreted step and returns ctx.Err() at once. ended is
// closed when the program has really ended.
func (c *runControl) execute(ctx context.Context, i *interp.Interpreter, prog *interp.Program) (v reflect.Value, ended <-chan struct{}, err error) {
	c.mu.Lock()
	*c.done = make(chan struct{})
	*c.cancelChan = !c.fastChan
	done := *c.done
	c.mu.Unlock()
	type result struct {
		v   reflect.Value
		err error
	}
	ch := make(chan result, 1)
	end := make(chan struct{})
	c.inflight.Add(1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				ch <- result{err: interp.Panic{Value: r}}
			}
			c.inflight.Add(-1)
			close(end)
		}()
		v, err := i.Execute(prog) // Execute recovers the program's panics
		ch <- result{v, err}
	}()
	select {
	case <-ctx.Done():
		atomic.AddUint64(c.id, 1)
		close(done)
		return reflect.Value{}, end, ctx.Err()
	case r := <-ch:
		return r.v, end, r.err
	}
}
