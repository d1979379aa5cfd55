package kernelspec

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	kernels, err := Dir(false, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	dir, err := Write(kernels, "/opt/dcem/bin/dcem")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	argv := spec["argv"].([]any)
	if len(argv) != 4 || argv[0] != "/opt/dcem/bin/dcem" || argv[1] != "kernel" || argv[3] != "{connection_file}" {
		t.Errorf("argv = %v", argv)
	}
	for k, want := range map[string]string{"display_name": "Go (dcem)", "language": "go", "interrupt_mode": "message"} {
		if spec[k] != want {
			t.Errorf("%s = %v, want %s", k, spec[k], want)
		}
	}
	for _, size := range []int{32, 64} {
		f, err := os.Open(filepath.Join(dir, "logo-"+itoa(size)+"x"+itoa(size)+".png"))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("logo %d is %v", size, b)
		}
	}
	if _, err := Write(kernels, "relative/dcem"); err == nil {
		t.Error("a relative path is accepted")
	}
}

func itoa(n int) string { return map[int]string{32: "32", 64: "64"}[n] }

func TestDir(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/x/jupyter")
	if d, _ := Dir(true, ""); d != "/x/jupyter/kernels" {
		t.Errorf("user dir = %s", d)
	}
	if d, _ := Dir(false, "/p"); d != "/p/share/jupyter/kernels" {
		t.Errorf("prefix dir = %s", d)
	}
	if _, err := Dir(true, "/p"); err == nil {
		t.Error("user and prefix together: no error")
	}
}
