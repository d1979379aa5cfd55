package nn

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/dcem-go/dcem/dcemlib/tensor"
)

// checkpoint is the JSON form of a list of parameters.
type checkpoint struct {
	Format string        `json:"format"`
	Params []paramRecord `json:"params"`
}

type paramRecord struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

const checkpointFormat = "dcem-nn-params/1"

// SaveParams writes the values of params to w as JSON: their shapes and
// data, in order. Values round-trip exactly. It returns an error if a value
// is NaN or ±Inf (JSON cannot hold them) or writing fails.
func SaveParams(w io.Writer, params []*tensor.Tensor) error {
	c := checkpoint{Format: checkpointFormat}
	for i, p := range params {
		vs := p.Values()
		for j, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("nn.SaveParams: parameter %d element %d is %g", i, j, v)
			}
		}
		c.Params = append(c.Params, paramRecord{Shape: p.Shape(), Data: vs})
	}
	if err := json.NewEncoder(w).Encode(&c); err != nil {
		return fmt.Errorf("nn.SaveParams: %w", err)
	}
	return nil
}

// LoadParams reads values written by SaveParams from r into params, in
// place. The number of parameters and every shape must match; otherwise it
// returns an error and leaves params unchanged.
func LoadParams(r io.Reader, params []*tensor.Tensor) error {
	var c checkpoint
	if err := json.NewDecoder(r).Decode(&c); err != nil {
		return fmt.Errorf("nn.LoadParams: %w", err)
	}
	if c.Format != checkpointFormat {
		return fmt.Errorf("nn.LoadParams: format %q, want %q", c.Format, checkpointFormat)
	}
	if len(c.Params) != len(params) {
		return fmt.Errorf("nn.LoadParams: checkpoint holds %d parameters, model has %d", len(c.Params), len(params))
	}
	for i, rec := range c.Params {
		if !equalInts(rec.Shape, params[i].Shape()) || len(rec.Data) != params[i].Size() {
			return fmt.Errorf("nn.LoadParams: parameter %d has shape %v (%d values) in the checkpoint, %v in the model", i, rec.Shape, len(rec.Data), params[i].Shape())
		}
	}
	for i, rec := range c.Params {
		params[i].SetValues(rec.Data)
	}
	return nil
}

// SaveParamsFile writes params to the named file (see SaveParams),
// atomically: to a temporary file in the same directory, renamed over path
// once complete, so that a crash never leaves a half-written checkpoint.
func SaveParamsFile(path string, params []*tensor.Tensor) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("nn.SaveParamsFile: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename there is nothing to remove
	if err := SaveParams(f, params); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("nn.SaveParamsFile: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("nn.SaveParamsFile: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("nn.SaveParamsFile: %w", err)
	}
	return nil
}

// LoadParamsFile reads params from the named file (see LoadParams).
func LoadParamsFile(path string, params []*tensor.Tensor) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("nn.LoadParamsFile: %w", err)
	}
	defer f.Close()
	return LoadParams(f, params)
}
