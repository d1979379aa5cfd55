// Package kernelspec writes the Jupyter kernelspec of the dcem kernel: the
// kernel.json that tells Jupyter how to start "dcem kernel", and its logos.
package kernelspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
)

// Name is the kernelspec's directory name, which notebooks refer to.
const Name = "dcem"

// Spec is the content of kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata"`
}

// New returns the spec that starts the dcem binary at exe.
func New(exe string) Spec {
	return Spec{
		Argv:          []string{exe, "kernel", "-f", "{connection_file}"},
		DisplayName:   "Go (dcem)",
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{"file_extension": ".go"},
	}
}

// Dir returns the kernels directory for an install location: with prefix
// set, prefix/share/jupyter/kernels; with user set, the user's Jupyter data
// directory ($JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else
// ~/.local/share/jupyter) plus /kernels.
func Dir(user bool, prefix string) (string, error) {
	switch {
	case prefix != "" && user:
		return "", errors.New("choose one of a user install and a prefix")
	case prefix != "":
		return filepath.Join(prefix, "share", "jupyter", "kernels"), nil
	}
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Join(d, "kernels"), nil
	}
	data := os.Getenv("XDG_DATA_HOME")
	if data == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		data = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(data, "jupyter", "kernels"), nil
}

// Write writes the kernelspec for exe into kernelsDir/dcem and returns that
// directory. exe must be an absolute path.
func Write(kernelsDir, exe string) (string, error) {
	if !filepath.IsAbs(exe) {
		return "", fmt.Errorf("kernelspec: the dcem path %q is not absolute", exe)
	}
	dir := filepath.Join(kernelsDir, Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("kernelspec: %w", err)
	}
	b, err := json.MarshalIndent(New(exe), "", "  ")
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.json"), append(b, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("kernelspec: %w", err)
	}
	for _, size := range []int{32, 64} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, Logo(size)); err != nil {
			return "", err
		}
		name := fmt.Sprintf("logo-%dx%d.png", size, size)
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			return "", fmt.Errorf("kernelspec: %w", err)
		}
	}
	return dir, nil
}

// Logo draws the kernel's logo at size×size pixels: a Go-blue disc with a
// white bell curve, the sampling distribution that the cross-entropy method
// refits.
func Logo(size int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	blue := color.NRGBA{0x00, 0xAD, 0xD8, 0xFF}
	white := color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
	c := float64(size) / 2
	r := c - 0.5
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			dx, dy := float64(x)+0.5-c, float64(y)+0.5-c
			if dx*dx+dy*dy > r*r {
				continue
			}
			img.SetNRGBA(x, y, blue)
			// Bell curve across the middle, 2 px thick at 64 px.
			u := (float64(x) + 0.5 - c) / (0.22 * float64(size))
			curve := c + 0.25*float64(size) - 0.5*float64(size)*math.Exp(-u*u/2)
			if math.Abs(float64(y)+0.5-curve) <= float64(size)/40+0.5 {
				img.SetNRGBA(x, y, white)
			}
		}
	}
	return img
}
