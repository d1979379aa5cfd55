package wire_test

import (
	"errors"
	"fmt"

	"github.com/dcem-go/dcem/kernel/wire"
)

// A request from a front end and the kernel's reply, through signed
// frames: the reply answers the request's header and goes back to its
// routing identities; a frame changed on the way fails the signature.
func ExampleCodec() {
	key := []byte("secret from the connection file")
	frontEnd := wire.NewCodec(key, "front-end-session")
	kernel := wire.NewCodec(key, "kernel-session")

	req, err := frontEnd.New("kernel_info_request", nil, map[string]any{})
	if err != nil {
		fmt.Println(err)
		return
	}
	req.Identities = [][]byte{[]byte("client-1")}
	frames, err := frontEnd.Encode(req)
	if err != nil {
		fmt.Println(err)
		return
	}

	got, err := kernel.Decode(frames)
	if err != nil {
		fmt.Println(err)
		return
	}
	reply, err := kernel.New("kernel_info_reply", got, map[string]string{"status": "ok"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(got.Header.MsgType, "→", reply.Header.MsgType, "for", string(reply.Identities[0]),
		"answering the request:", reply.Parent.MsgID == req.Header.MsgID)

	frames[len(frames)-1] = []byte(`{"tampered": true}`) // the content frame
	_, err = kernel.Decode(frames)
	fmt.Println(errors.Is(err, wire.ErrSignature))
	// Output:
	// kernel_info_request → kernel_info_reply for client-1 answering the request: true
	// true
}

// Connection information as a front end writes it into the connection
// file, and the ZeroMQ endpoint of one of its ports.
func ExampleConnectionInfo() {
	ci := wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: 5001, ControlPort: 5002,
		IOPubPort: 5003, StdinPort: 5004, HBPort: 5005, Key: "k", SignatureScheme: "hmac-sha256"}
	if err := ci.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ci.Endpoint(ci.ShellPort))
	ci.HBPort = 0
	fmt.Println(ci.Validate())
	// Output:
	// tcp://127.0.0.1:5001
	// hb_port is 0, want 1..65535
}
