package kernel

import (
	"sync"
	"time"
	"unicode/utf8"
)

const (
	// streamChunk is the most text one stream message carries.
	streamChunk = 64 << 10
	// streamDelay is how long written text may wait before it is sent.
	streamDelay = 50 * time.Millisecond
)

// Stream is an io.Writer that publishes what is written to it as stream
// messages (stdout or stderr) of the running cell, while the cell runs:
// text is sent in chunks of at most 64 KiB, at the latest 50 ms after it was
// written. It is safe for concurrent use.
type Stream struct {
	k    *Kernel
	name string

	mu    sync.Mutex
	buf   []byte
	timer *time.Timer
}

func newStream(k *Kernel, name string) *Stream { return &Stream{k: k, name: name} }

// Write queues p for publishing.
func (s *Stream) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	for len(s.buf) >= streamChunk {
		// Cut before a rune that starts at most 3 bytes before the limit.
		cut := streamChunk
		if cut < len(s.buf) {
			for cut > streamChunk-utf8.UTFMax && !utf8.RuneStart(s.buf[cut]) {
				cut--
			}
		}
		s.send(s.buf[:cut])
		s.buf = append(s.buf[:0], s.buf[cut:]...)
	}
	if len(s.buf) > 0 && s.timer == nil {
		s.timer = time.AfterFunc(streamDelay, s.Flush)
	}
	return len(p), nil
}

// Flush publishes the queued text now.
func (s *Stream) Flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if len(s.buf) > 0 {
		s.send(s.buf)
		s.buf = s.buf[:0]
	}
}

func (s *Stream) send(text []byte) {
	s.k.publish("stream", s.k.currentParent(), map[string]any{"name": s.name, "text": string(text)})
}
