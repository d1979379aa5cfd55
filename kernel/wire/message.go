package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"
	"time"
)

// ProtocolVersion is the version of the Jupyter messaging protocol spoken.
const ProtocolVersion = "5.3"

// delimiter separates the routing identities from the signed part of a message.
var delimiter = []byte("<IDS|MSG>")

// Header is the header (and parent header) of a Jupyter message.
type Header struct {
	MsgID    string `json:"msg_id"`
	Username string `json:"username"`
	Session  string `json:"session"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message. Content and Metadata stay raw JSON on the
// way in; on the way out they may be any value that encodes to a JSON object.
type Message struct {
	// Identities are the ZeroMQ routing frames before the delimiter.
	Identities [][]byte
	Header     Header
	// Parent is the header of the request this message answers; the zero
	// Header encodes as {}.
	Parent   Header
	Metadata map[string]any
	Content  json.RawMessage
	Buffers  [][]byte
}

// Decode fills v with the message's content.
func (m *Message) Decode(v any) error {
	if len(m.Content) == 0 {
		return nil
	}
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("%s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// ErrSignature is returned by a Codec for a message whose signature is wrong
// or missing.
var ErrSignature = errors.New("message signature is invalid")

// Codec turns messages into signed multipart frames and back. It is safe
// for concurrent use.
type Codec struct {
	key     []byte
	session string
	pool    sync.Pool
}

// NewCodec returns a codec that signs with HMAC-SHA256 under key; an empty
// key turns signing off, as the protocol allows. session is the kernel's
// session id, written into the headers of new messages.
func NewCodec(key []byte, session string) *Codec {
	c := &Codec{key: append([]byte(nil), key...), session: session}
	c.pool.New = func() any { return hmac.New(sha256.New, c.key) }
	return c
}

// Session returns the session id written into new headers.
func (c *Codec) Session() string { return c.session }

// Sign returns the hex HMAC-SHA256 of the four signed frames, or "" when the
// codec has no key.
func (c *Codec) Sign(header, parent, metadata, content []byte) string {
	if len(c.key) == 0 {
		return ""
	}
	h := c.pool.Get().(hash.Hash)
	defer c.pool.Put(h)
	h.Reset()
	h.Write(header)
	h.Write(parent)
	h.Write(metadata)
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// Decode parses the frames of one message, checking its signature. A message
// with a wrong or missing signature gives ErrSignature.
func (c *Codec) Decode(frames [][]byte) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return nil, errors.New("message has no <IDS|MSG> delimiter")
	}
	if len(frames) < i+6 {
		return nil, fmt.Errorf("message has %d frames after the delimiter, want at least 5", len(frames)-i-1)
	}
	sig, header, parent, metadata, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	if len(c.key) > 0 {
		want := c.Sign(header, parent, metadata, content)
		if len(sig) == 0 || !hmac.Equal(sig, []byte(want)) {
			return nil, ErrSignature
		}
	}
	m := &Message{Identities: frames[:i], Content: json.RawMessage(content)}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("message header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, errors.New("message header has no msg_type")
	}
	if len(parent) > 0 {
		if err := json.Unmarshal(parent, &m.Parent); err != nil {
			return nil, fmt.Errorf("message parent header: %w", err)
		}
	}
	if len(metadata) > 0 {
		if err := json.Unmarshal(metadata, &m.Metadata); err != nil {
			return nil, fmt.Errorf("message metadata: %w", err)
		}
	}
	if !json.Valid(content) {
		return nil, errors.New("message content is not JSON")
	}
	m.Buffers = frames[i+6:]
	return m, nil
}

// Encode returns the signed frames of m, identities first.
func (c *Codec) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, err
	}
	parent := []byte("{}")
	if m.Parent.MsgID != "" || m.Parent.MsgType != "" {
		if parent, err = json.Marshal(m.Parent); err != nil {
			return nil, err
		}
	}
	metadata := []byte("{}")
	if len(m.Metadata) > 0 {
		if metadata, err = json.Marshal(m.Metadata); err != nil {
			return nil, err
		}
	}
	content := []byte(m.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, []byte(c.Sign(header, parent, metadata, content)), header, parent, metadata, content)
	frames = append(frames, m.Buffers...)
	return frames, nil
}

// New returns a message of type msgType answering parent (which may be nil),
// with content encoded from v. A reply goes to the parent's identities.
func (c *Codec) New(msgType string, parent *Message, v any) (*Message, error) {
	content, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("%s content: %w", msgType, err)
	}
	m := &Message{
		Header: Header{
			MsgID:    NewID(),
			Username: "kernel",
			Session:  c.session,
			Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z"),
			MsgType:  msgType,
			Version:  ProtocolVersion,
		},
		Content: content,
	}
	if parent != nil {
		m.Parent = parent.Header
		m.Identities = parent.Identities
		if parent.Header.Username != "" {
			m.Header.Username = parent.Header.Username
		}
	}
	return m, nil
}

// NewID returns a random id in UUID version 4 form.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("wire: no randomness: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
