//go:build !opencl || !cgo

package tensor

import "errors"

// openCLBuilt tells whether the binary has the OpenCL backend.
const openCLBuilt = false

var errNoOpenCL = errors.New("tensor: this binary was built without OpenCL; build it with -tags opencl (cgo, libOpenCL and CLBlast)")

// OpenCL returns the OpenCL device with the given index, counted over all
// platforms in the order clinfo lists them. This binary was built without
// the opencl tag: it always returns an error.
func OpenCL(index int) (Device, error) { return CPU, errNoOpenCL }

// OpenCLDevices lists the OpenCL devices by index, with their platform.
// This binary was built without the opencl tag: it always returns an error.
func OpenCLDevices() ([]string, error) { return nil, errNoOpenCL }
