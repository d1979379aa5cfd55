package checkpoint

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

type state struct {
	Step   int
	Params [][]float32
	Name   string
}

func sample() state {
	return state{Step: 7, Params: [][]float32{{1, 2, 3}, make([]float32, 1000)}, Name: "run"}
}

func TestSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "ckpt.bin") // the directory is made
	want := sample()
	if err := Save(path, "test-checkpoint-2\n", &want); err != nil {
		t.Fatal(err)
	}
	var got state
	if err := Load(path, "test-checkpoint-2\n", &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loaded %+v, want %+v", got, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("%d files beside the checkpoint, want none: the temporary file is left", len(entries)-1)
	}
	// The payload is compressed: 1000 zeros take far fewer bytes.
	if fi, _ := os.Stat(path); fi.Size() > 400 {
		t.Errorf("checkpoint of %d bytes, want it compressed", fi.Size())
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.bin")
	v := sample()
	if err := Save(path, "test-checkpoint-2\n", &v); err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	flipped := append([]byte(nil), good...)
	flipped[len(flipped)-5] ^= 0x10
	for name, b := range map[string][]byte{
		"flipped byte":  flipped,
		"truncated":     good[:len(good)-3],
		"empty":         {},
		"foreign":       []byte("not a checkpoint"),
		"header only":   good[:len("test-checkpoint-2\n")+6],
		"another kind":  append([]byte("other-checkpoint-2\n"), good[len("test-checkpoint-2\n"):]...),
		"trailing data": append(append([]byte(nil), good...), 0),
	} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var got state
		err := Load(path, "test-checkpoint-2\n", &got)
		var ce *CorruptError
		if !errors.As(err, &ce) || ce.Path != path || ce.Reason == "" {
			t.Errorf("%s: error %v, want a *CorruptError", name, err)
		}
	}
	// A whole file of another type decodes to an error, not a panic.
	if err := Save(path, "test-checkpoint-2\n", &[]string{"a"}); err != nil {
		t.Fatal(err)
	}
	var got state
	if err := Load(path, "test-checkpoint-2\n", &got); !errors.As(err, new(*CorruptError)) {
		t.Errorf("a checkpoint of another type: error %v", err)
	}
	if err := Load(filepath.Join(dir, "missing.bin"), "test-checkpoint-2\n", &got); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: error %v, want fs.ErrNotExist", err)
	}
}

// TestLoadUncompressed reads a file of an earlier, uncompressed version of
// the format, named by its own magic.
func TestLoadUncompressed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ckpt.bin")
	want := sample()
	if err := Save(path, "test-checkpoint-2\n", &want); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	zr, err := gzip.NewReader(bytes.NewReader(b[len("test-checkpoint-2\n")+12:]))
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := io.ReadAll(zr)
	var old bytes.Buffer
	old.WriteString("test-checkpoint-1\n")
	binary.Write(&old, binary.LittleEndian, uint64(len(payload)))
	binary.Write(&old, binary.LittleEndian, crc32.ChecksumIEEE(payload))
	old.Write(payload)
	if err := os.WriteFile(path, old.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var got state
	if err := Load(path, "test-checkpoint-2\n", &got, "test-checkpoint-1\n"); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("uncompressed file: %v, %+v", err, got)
	}
	if err := Load(path, "test-checkpoint-2\n", &got); !errors.As(err, new(*CorruptError)) {
		t.Errorf("uncompressed file without its magic allowed: error %v", err)
	}
}

func ExampleSave() {
	dir, _ := os.MkdirTemp("", "checkpoint")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "run", "checkpoint.bin")
	type runState struct {
		Episode int
		Weights []float32
	}
	if err := Save(path, "my-run-checkpoint-1\n", runState{Episode: 3, Weights: []float32{0.5, -1}}); err != nil {
		panic(err)
	}
	var back runState
	if err := Load(path, "my-run-checkpoint-1\n", &back); err != nil {
		panic(err)
	}
	fmt.Println(back.Episode, back.Weights)
	// Output: 3 [0.5 -1]
}
