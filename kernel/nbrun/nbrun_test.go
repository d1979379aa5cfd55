package nbrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dcem-go/dcem/kernel/display"
)

type script struct{ o *Outputs }

func (s script) Execute(ctx context.Context, code string) (display.Bundle, error) {
	switch {
	case code == "print":
		fmt.Fprint(s.o.Stdout(), "a")
		fmt.Fprint(s.o.Stdout(), "b")
		return nil, nil
	case code == "show":
		s.o.Display(display.Bundle{"text/html": "<b>1</b>"}, nil, "d1", false)
		s.o.Display(display.Bundle{"text/html": "<b>2</b>"}, nil, "d1", true)
		return display.Bundle{"text/plain": "3"}, nil
	case code == "widget":
		return display.Bundle{"text/plain": "", widgetViewMIME: map[string]any{"model_id": "m1"}}, nil
	case strings.HasPrefix(code, "fail"):
		return nil, errors.New("it broke")
	}
	return nil, nil
}

const notebook = `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "dcem"}},
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": "# title"},
  {"cell_type": "code", "metadata": {}, "source": ["pri", "nt"], "outputs": [], "execution_count": null},
  {"cell_type": "code", "metadata": {}, "source": "show", "outputs": [], "execution_count": null},
  {"cell_type": "code", "metadata": {}, "source": "fail here", "outputs": [], "execution_count": null},
  {"cell_type": "code", "metadata": {}, "source": "print", "outputs": [], "execution_count": null}
 ]}`

func TestRun(t *testing.T) {
	outs := NewOutputs()
	out, err := Run(context.Background(), []byte(notebook), script{outs}, outs)
	var ce *CellError
	if !errors.As(err, &ce) || ce.Cell != 3 || ce.Index != 3 {
		t.Fatalf("err = %v, want a failure in code cell 3", err)
	}
	var nb struct {
		Metadata map[string]any `json:"metadata"`
		Cells    []struct {
			ExecutionCount *int             `json:"execution_count"`
			Outputs        []map[string]any `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(out, &nb); err != nil {
		t.Fatal(err)
	}
	if nb.Metadata["kernelspec"] == nil {
		t.Error("notebook metadata lost")
	}
	c := nb.Cells
	if len(c[1].Outputs) != 1 || c[1].Outputs[0]["text"] != "ab" || *c[1].ExecutionCount != 1 {
		t.Errorf("print cell = %+v", c[1])
	}
	if len(c[2].Outputs) != 2 || c[2].Outputs[0]["data"].(map[string]any)["text/html"] != "<b>2</b>" ||
		c[2].Outputs[1]["output_type"] != "execute_result" {
		t.Errorf("show cell = %+v", c[2].Outputs)
	}
	if len(c[3].Outputs) != 1 || c[3].Outputs[0]["output_type"] != "error" {
		t.Errorf("failing cell = %+v", c[3].Outputs)
	}
	if c[4].ExecutionCount != nil {
		t.Error("a cell after the failure ran")
	}
}

func TestRunRejectsBadNotebooks(t *testing.T) {
	outs := NewOutputs()
	for _, nb := range []string{`{`, `{"nbformat": 3, "cells": []}`, `{"nbformat": 4}`} {
		if _, err := Run(context.Background(), []byte(nb), script{outs}, outs); err == nil {
			t.Errorf("%s: no error", nb)
		}
	}
}

// TestRunWidgetView: a cell whose value is a widget view keeps it as
// display_data, as the kernel publishes it.
func TestRunWidgetView(t *testing.T) {
	nbText := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {},
 "cells": [{"cell_type": "code", "metadata": {}, "source": "widget", "outputs": [], "execution_count": null}]}`
	outs := NewOutputs()
	out, err := Run(context.Background(), []byte(nbText), script{outs}, outs)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Outputs []map[string]any `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(out, &nb); err != nil {
		t.Fatal(err)
	}
	if o := nb.Cells[0].Outputs; len(o) != 1 || o[0]["output_type"] != "display_data" || o[0]["data"].(map[string]any)[widgetViewMIME] == nil {
		t.Errorf("widget cell outputs %+v", o)
	}
}
