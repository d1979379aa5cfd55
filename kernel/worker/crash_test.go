package worker

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestCrashLines(t *testing.T) {
	// The shape of a stack overflow report: the message, the runtime's
	// stack, the crashed goroutine, then another goroutine.
	text := `runtime: goroutine stack exceeds 1000000000-byte limit
runtime: sp=0xc020160390 stack=[0xc020160000, 0xc040160000]
fatal error: stack overflow

runtime stack:
runtime.throw({0x9f3a01?, 0x0?})
	/usr/local/go/src/runtime/panic.go:1101 +0x48 fp=0x7ffd sp=0x7ffd pc=0x43
runtime.newstack()
	/usr/local/go/src/runtime/stack.go:1107 +0x5ac fp=0x7ffd sp=0x7ffd pc=0x45

goroutine 7 gp=0xc000102a80 m=0 mp=0x1 [running]:
github.com/dcem-go/dcem/dcemlib/tensor.(*Tensor).Sum(0xc0001)
	/src/dcemlib/tensor/reduce.go:31 +0x2a fp=0xc0 sp=0xc0 pc=0x7
github.com/traefik/yaegi/interp.runCfg(0xc0)
	/go/yaegi/interp/run.go:233 +0x1 fp=0xc0 sp=0xc0 pc=0x7
...additional frames elided...
created by github.com/traefik/yaegi/interp.(*Interpreter).EvalWithContext in goroutine 1
	/go/yaegi/interp/interp.go:580 +0x1

goroutine 1 gp=0xc000002380 m=nil [IO wait]:
os.(*File).Read(0xc00005e028)
	/usr/local/go/src/os/file.go:144 +0x4f
`
	head, frames := crashLines(text)
	if strings.Join(head, "|") != "runtime: goroutine stack exceeds 1000000000-byte limit|fatal error: stack overflow" {
		t.Errorf("head = %q", head)
	}
	want := "  in github.com/dcem-go/dcem/dcemlib/tensor.(*Tensor).Sum at /src/dcemlib/tensor/reduce.go:31"
	if len(frames) != 1 || frames[0] != want {
		t.Errorf("frames = %q, want [%q]", frames, want)
	}
}

func TestCopierHoldsCrashText(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	var out buffer
	c := newCopier(r, &out, true)
	w.Write([]byte("fine\npanic: only a message\nmore\n"))
	deadline := time.Now().Add(2 * time.Second)
	for !c.idle() && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got := out.String(); got != "fine\n" {
		t.Errorf("passed on %q before the hold, want %q", got, "fine\n")
	}
	if got := c.crash(); got != "panic: only a message\nmore\n" {
		t.Errorf("held %q", got)
	}
	// The worker lives on: the text was output after all.
	time.Sleep(10 * time.Millisecond)
	c.releaseOlder(time.Millisecond)
	if got := out.String(); got != "fine\npanic: only a message\nmore\n" {
		t.Errorf("after the release: %q", got)
	}
	w.Close()
	<-c.done
}
