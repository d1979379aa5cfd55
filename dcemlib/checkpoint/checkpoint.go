// Package checkpoint writes and reads the checkpoint files of long runs
// (the world model's training, PPO): a value encoded with encoding/gob,
// compressed with gzip, behind a header that names the kind of file and
// guards the payload, written atomically so that a crash leaves either the
// old file or the new one.
//
// A file is the magic line of its kind (for example
// "dcem-planet-checkpoint-2\n"), the payload's length (8 bytes, little
// endian) and its CRC-32 (IEEE, 4 bytes), then the payload: the gzip
// stream of the gob. Load reports a damaged, truncated or foreign file as
// a *CorruptError, never a panic.
package checkpoint

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
)

// Save encodes v and writes it to path as a checkpoint of the kind magic
// names, atomically (see WriteFileAtomic). The directory is made if it is
// missing.
func Save(path, magic string, v any) error {
	var payload bytes.Buffer
	zw, err := gzip.NewWriterLevel(&payload, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(zw).Encode(v); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	var file bytes.Buffer
	file.Grow(len(magic) + 12 + payload.Len())
	file.WriteString(magic)
	binary.Write(&file, binary.LittleEndian, uint64(payload.Len()))
	binary.Write(&file, binary.LittleEndian, crc32.ChecksumIEEE(payload.Bytes()))
	file.Write(payload.Bytes())
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return WriteFileAtomic(path, file.Bytes(), 0o644)
}

// CorruptError is the error of Load for a file that is not a whole
// checkpoint of the kind asked for.
type CorruptError struct {
	Path string
	// Reason says what is wrong, for example "the checksum does not
	// match".
	Reason string
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("checkpoint %s is corrupted or not of this kind: %s", e.Path, e.Reason)
}

// Load reads the checkpoint at path, checks that it is of the kind magic
// names and whole, and decodes it into v (a pointer, as for gob). Files
// that start with one of the uncompressed magics, an earlier version of
// the format whose payload is the gob itself, are read too. A missing file
// is the error of os.ReadFile (errors.Is fs.ErrNotExist); anything wrong
// with the content is a *CorruptError.
func Load(path, magic string, v any, uncompressed ...string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	bad := func(reason string) error { return &CorruptError{Path: path, Reason: reason} }
	compressed := true
	switch {
	case bytes.HasPrefix(b, []byte(magic)):
		b = b[len(magic):]
	default:
		found := false
		for _, m := range uncompressed {
			if bytes.HasPrefix(b, []byte(m)) {
				b, compressed, found = b[len(m):], false, true
				break
			}
		}
		if !found {
			return bad("it does not start with the checkpoint header")
		}
	}
	if len(b) < 12 {
		return bad("the header is truncated")
	}
	n := binary.LittleEndian.Uint64(b)
	sum := binary.LittleEndian.Uint32(b[8:])
	payload := b[12:]
	if uint64(len(payload)) != n {
		return bad(fmt.Sprintf("%d bytes of data, the header says %d", len(payload), n))
	}
	if crc32.ChecksumIEEE(payload) != sum {
		return bad("the checksum does not match")
	}
	if compressed {
		zr, err := gzip.NewReader(bytes.NewReader(payload))
		if err != nil {
			return bad(err.Error())
		}
		if payload, err = io.ReadAll(zr); err != nil {
			return bad(err.Error())
		}
	}
	if err := decodeGob(payload, v); err != nil {
		return bad(err.Error())
	}
	return nil
}

// decodeGob decodes, turning a decoder panic into an error.
func decodeGob(b []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("decoding: %v", r)
		}
	}()
	return gob.NewDecoder(bytes.NewReader(b)).Decode(v)
}

// WriteFileAtomic writes data to path through a temporary file in the same
// directory, synced and renamed over path, so that path holds either its
// old content or data, whatever happens meanwhile.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // nothing is left to remove after the rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
