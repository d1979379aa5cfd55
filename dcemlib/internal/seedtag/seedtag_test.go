package seedtag

import "testing"

// TestTags checks every tag against its letters, and so the values that
// results and checkpoints depend on.
func TestTags(t *testing.T) {
	for _, c := range []struct {
		letters string
		tag     uint64
	}{
		{"filter", Filter}, {"pol", Policy}, {"val", Value}, {"eval", Eval}, {"shared", Shared},
		{"prior", Prior}, {"decode", Decoder}, {"model", Model}, {"train", Train}, {"rank", Rank}, {"filt", Filt}, {"im", Imagine},
	} {
		if got := Of(c.letters); got != c.tag {
			t.Errorf("Of(%q) = %#x, the constant is %#x", c.letters, got, c.tag)
		}
	}
	if Filter != 0x66696c746572 || Decoder != 0x6465636f6465 || Eval != 0x6576616c {
		t.Error("a tag's value changed")
	}
}
