package tensor

import (
	"slices"
	"strings"
	"testing"
)

// TestParseDevice checks the device names that DCEM_DEVICE takes.
func TestParseDevice(t *testing.T) {
	for _, s := range []string{"", "cpu", " CPU "} {
		d, err := ParseDevice(s)
		if err != nil || d != CPU || !d.IsCPU() || d.String() != "cpu" {
			t.Errorf("ParseDevice(%q) = %v, %v; want cpu", s, d, err)
		}
	}
	for _, s := range []string{"gpu", "opencl:", "opencl:x", "opencl:-1", "cuda:0"} {
		if _, err := ParseDevice(s); err == nil {
			t.Errorf("ParseDevice(%q): no error", s)
		}
	}
	t.Setenv(DeviceEnv, "tpu")
	if _, err := DeviceFromEnv(); err == nil || !strings.Contains(err.Error(), "DCEM_DEVICE=tpu") {
		t.Errorf("DeviceFromEnv with DCEM_DEVICE=tpu: error %v, want one naming the variable", err)
	}
	if _, err := OpenCLFromEnv(); err == nil || !strings.Contains(err.Error(), "DCEM_DEVICE=tpu") {
		t.Errorf("OpenCLFromEnv with DCEM_DEVICE=tpu: error %v, want one naming the variable", err)
	}
	t.Setenv(DeviceEnv, "")
	if d, err := DeviceFromEnv(); err != nil || d != CPU {
		t.Errorf("DeviceFromEnv unset = %v, %v; want cpu", d, err)
	}
	// OpenCLFromEnv never gives the host: unset or "cpu" mean the first
	// OpenCL device, an error where there is none.
	for _, v := range []string{"", "cpu"} {
		t.Setenv(DeviceEnv, v)
		d, err := OpenCLFromEnv()
		if err == nil && d.IsCPU() {
			t.Errorf("OpenCLFromEnv with DCEM_DEVICE=%q gave the CPU", v)
		}
		if err != nil && openCLBuilt {
			t.Logf("no OpenCL device here: %v", err)
		}
	}
}

// TestWithoutOpenCL checks that a binary built without the opencl tag
// says so instead of failing later.
func TestWithoutOpenCL(t *testing.T) {
	if slices.Contains(Backends(), "opencl") {
		t.Skip("built with OpenCL")
	}
	if !slices.Equal(Backends(), []string{"cpu"}) {
		t.Fatalf("Backends() = %v", Backends())
	}
	for _, f := range []func() error{
		func() error { _, err := OpenCL(0); return err },
		func() error { _, err := ParseDevice("opencl:0"); return err },
		func() error { _, err := OpenCLDevices(); return err },
	} {
		if err := f(); err == nil || !strings.Contains(err.Error(), "-tags opencl") {
			t.Errorf("error %v, want one that names the opencl build tag", err)
		}
	}
}

// TestHostTensorsAreOnCPU checks the device of host tensors and that
// ToDevice(CPU) is the identity there.
func TestHostTensorsAreOnCPU(t *testing.T) {
	x := Ones(2, 3)
	if x.Device() != CPU || x.OnDevice() || x.ToDevice(CPU) != x {
		t.Fatalf("host tensor: device %v, OnDevice %v", x.Device(), x.OnDevice())
	}
}
