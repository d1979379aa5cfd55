package nbrun_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dcem-go/dcem/kernel/display"
	"github.com/dcem-go/dcem/kernel/nbrun"
)

// upper is an Executor that prints each cell's code in capitals and gives
// its length as the cell's value; a cell "fail" fails. "dcem run" uses a
// *session.Session, which interprets Go.
type upper struct{ outs *nbrun.Outputs }

func (u upper) Execute(_ context.Context, code string) (display.Bundle, error) {
	if code == "fail" {
		return nil, errors.New("the cell failed")
	}
	fmt.Fprintln(u.outs.Stdout(), strings.ToUpper(code))
	return display.MIME(len(code)), nil
}

// Run executes a notebook's code cells in order and writes their outputs
// and execution counts back into it; it stops at the first failing cell
// with a *CellError.
func ExampleRun() {
	nb := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
		{"cell_type": "markdown", "metadata": {}, "source": "# A title"},
		{"cell_type": "code", "metadata": {}, "source": ["go ", "on"], "outputs": [], "execution_count": null},
		{"cell_type": "code", "metadata": {}, "source": "fail", "outputs": [], "execution_count": null},
		{"cell_type": "code", "metadata": {}, "source": "never", "outputs": [], "execution_count": null}]}`
	outs := nbrun.NewOutputs()
	out, err := nbrun.Run(context.Background(), []byte(nb), upper{outs}, outs)
	var ce *nbrun.CellError
	if errors.As(err, &ce) {
		fmt.Println("failed:", ce)
	}
	var doc struct {
		Cells []struct {
			Count   *int             `json:"execution_count"`
			Outputs []map[string]any `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		fmt.Println(err)
		return
	}
	for i, c := range doc.Cells[1:] {
		fmt.Printf("code cell %d:", i+1)
		if c.Count != nil {
			fmt.Printf(" count %d,", *c.Count)
		}
		for _, o := range c.Outputs {
			fmt.Printf(" %s", o["output_type"])
		}
		fmt.Println()
	}
	// Output:
	// failed: code cell 2 (cell index 2): the cell failed
	// code cell 1: count 1, stream execute_result
	// code cell 2: count 2, error
	// code cell 3:
}
