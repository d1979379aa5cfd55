package kernel

import (
	"context"
	"errors"

	"github.com/dcem-go/dcem/kernel/wire"
)

// InputFunc asks the front end for a line of input, showing prompt; with
// password set the front end hides what is typed.
type InputFunc func(prompt string, password bool) (string, error)

type inputKey struct{}

// WithInput returns a context that carries f, the way for the cell that
// runs under it to ask the front end for input.
func WithInput(ctx context.Context, f InputFunc) context.Context {
	return context.WithValue(ctx, inputKey{}, f)
}

// InputFrom returns the InputFunc that ctx carries: nil when the front end
// does not accept input for the running cell (allow_stdin false).
func InputFrom(ctx context.Context) InputFunc {
	f, _ := ctx.Value(inputKey{}).(InputFunc)
	return f
}

// ErrNoInput is returned for an input request when the cell is
// interrupted or ends before the front end answers.
var ErrNoInput = errors.New("kernel: no input: the cell was interrupted")

// requestInput sends an input_request for the execute request parent on
// the stdin channel and waits for the input_reply.
func (k *Kernel) requestInput(ctx context.Context, parent *wire.Message, prompt string, password bool) (string, error) {
	// Drop a stale reply.
	select {
	case <-k.inputReplies:
	default:
	}
	k.flushStreams()
	m, err := k.codec.New("input_request", parent, map[string]any{"prompt": prompt, "password": password})
	if err != nil {
		return "", err
	}
	k.send(k.stdin, m)
	for {
		select {
		case r := <-k.inputReplies:
			if r.Parent.MsgID != "" && r.Parent.MsgID != m.Header.MsgID {
				continue
			}
			var content struct {
				Value string `json:"value"`
			}
			if err := r.Decode(&content); err != nil {
				return "", err
			}
			return content.Value, nil
		case <-ctx.Done():
			return "", ErrNoInput
		case <-k.done:
			return "", ErrNoInput
		}
	}
}
