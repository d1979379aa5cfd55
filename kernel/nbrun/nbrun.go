// Package nbrun executes the code cells of a Jupyter notebook (nbformat 4)
// in order, in one Go session, and writes their outputs back into the
// notebook, as "dcem run notebook.ipynb" does.
package nbrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/dcem-go/dcem/kernel/display"
)

// Executor runs one cell; *session.Session is one.
type Executor interface {
	Execute(ctx context.Context, code string) (display.Bundle, error)
}

// CellError is the failure of one cell.
type CellError struct {
	// Cell is the number of the code cell, from 1, counting code cells only.
	Cell int
	// Index is the cell's index among all cells, from 0.
	Index int
	Err   error
}

func (e *CellError) Error() string {
	return fmt.Sprintf("code cell %d (cell index %d): %v", e.Cell, e.Index, e.Err)
}

func (e *CellError) Unwrap() error { return e.Err }

// Outputs collects the outputs of the running cell. Use it as the session's
// stdout and stderr (through Stdout and Stderr) and as the display
// publisher.
type Outputs struct {
	mu        sync.Mutex
	cell      *[]map[string]any
	clearNext bool
	// byID remembers outputs shown with a display id, for updates.
	byID map[string]map[string]any
}

// NewOutputs returns an empty collector.
func NewOutputs() *Outputs {
	return &Outputs{byID: map[string]map[string]any{}}
}

// begin directs output to outs.
func (o *Outputs) begin(outs *[]map[string]any) {
	o.mu.Lock()
	o.cell = outs
	o.clearNext = false
	o.mu.Unlock()
}

func (o *Outputs) add(out map[string]any) {
	if o.cell == nil {
		return
	}
	if o.clearNext {
		*o.cell = (*o.cell)[:0]
		o.clearNext = false
	}
	*o.cell = append(*o.cell, out)
}

type streamWriter struct {
	o    *Outputs
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	w.o.mu.Lock()
	defer w.o.mu.Unlock()
	if w.o.cell != nil && !w.o.clearNext {
		if n := len(*w.o.cell); n > 0 {
			last := (*w.o.cell)[n-1]
			if last["output_type"] == "stream" && last["name"] == w.name {
				last["text"] = last["text"].(string) + string(p)
				return len(p), nil
			}
		}
	}
	w.o.add(map[string]any{"output_type": "stream", "name": w.name, "text": string(p)})
	return len(p), nil
}

// Stdout is the writer for the session's standard output.
func (o *Outputs) Stdout() io.Writer { return streamWriter{o, "stdout"} }

// Stderr is the writer for the session's standard error.
func (o *Outputs) Stderr() io.Writer { return streamWriter{o, "stderr"} }

// Display implements display.Publisher.
func (o *Outputs) Display(data display.Bundle, metadata map[string]any, id string, update bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if metadata == nil {
		metadata = map[string]any{}
	}
	if update {
		if out, ok := o.byID[id]; ok {
			out["data"] = data
			out["metadata"] = metadata
		}
		return
	}
	out := map[string]any{"output_type": "display_data", "data": data, "metadata": metadata}
	if id != "" {
		o.byID[id] = out
	}
	o.add(out)
}

// Clear implements display.Publisher.
func (o *Outputs) Clear(wait bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if wait {
		o.clearNext = true
		return
	}
	if o.cell != nil {
		*o.cell = (*o.cell)[:0]
	}
}

// Run executes the code cells of the notebook nb in order with ex, which
// must write to outs, and returns the notebook with the outputs and
// execution counts. It stops at the first failing cell: the returned
// notebook holds the outputs up to it (the error included) and err is a
// *CellError.
func Run(ctx context.Context, nb []byte, ex Executor, outs *Outputs) ([]byte, error) {
	var doc map[string]any
	if err := json.Unmarshal(nb, &doc); err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	if v, _ := doc["nbformat"].(float64); v != 4 {
		return nil, fmt.Errorf("notebook: nbformat is %v, want 4", doc["nbformat"])
	}
	cells, ok := doc["cells"].([]any)
	if !ok {
		return nil, errors.New("notebook: no cells list")
	}
	count := 0
	var runErr error
	for idx, c := range cells {
		cell, ok := c.(map[string]any)
		if !ok || cell["cell_type"] != "code" {
			continue
		}
		count++
		code, err := source(cell["source"])
		if err != nil {
			return nil, fmt.Errorf("notebook: cell index %d: %w", idx, err)
		}
		var outputs []map[string]any
		outs.begin(&outputs)
		result, err := ex.Execute(ctx, code)
		outs.begin(nil)
		if err != nil {
			name, value, tb := "Error", err.Error(), []string{err.Error()}
			if p, ok := err.(interface {
				Parts() (string, string, []string)
			}); ok {
				name, value, tb = p.Parts()
			}
			outputs = append(outputs, map[string]any{"output_type": "error", "ename": name, "evalue": value, "traceback": tb})
			runErr = &CellError{Cell: count, Index: idx, Err: err}
		} else if _, widget := result[widgetViewMIME]; widget {
			// A widget view is display_data, as the kernel publishes it.
			outputs = append(outputs, map[string]any{"output_type": "display_data", "data": result, "metadata": map[string]any{}})
		} else if result != nil {
			outputs = append(outputs, map[string]any{"output_type": "execute_result", "execution_count": count,
				"data": result, "metadata": map[string]any{}})
		}
		cell["outputs"] = outputs
		if outputs == nil {
			cell["outputs"] = []any{}
		}
		cell["execution_count"] = count
		if runErr != nil {
			break
		}
	}
	out, err := json.MarshalIndent(doc, "", " ")
	if err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	return append(out, '\n'), runErr
}

// source joins a cell source, which nbformat stores as a string or a list
// of lines.
func source(v any) (string, error) {
	switch s := v.(type) {
	case string:
		return s, nil
	case []any:
		var b strings.Builder
		for _, line := range s {
			l, ok := line.(string)
			if !ok {
				return "", errors.New("source list holds a non-string")
			}
			b.WriteString(l)
		}
		return b.String(), nil
	case nil:
		return "", nil
	}
	return "", fmt.Errorf("source has type %T", v)
}

// widgetViewMIME is the MIME type of a widget's view.
const widgetViewMIME = "application/vnd.jupyter.widget-view+json"
