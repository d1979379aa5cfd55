package tensor

import (
	"sort"
	"sync"
	"testing"
)

// TestSplitRange: the chunks cover [0, n) once, without overlap; there are
// at most workers of them; each but the last is a multiple of align long.
func TestSplitRange(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 100, 1 << 15, 1<<16 + 3} {
		for _, workers := range []int{0, 1, 2, 3, 7} {
			for _, align := range []int{1, 8} {
				var mu sync.Mutex
				var chunks [][2]int
				splitRange(n, workers, align, func(lo, hi int) {
					mu.Lock()
					chunks = append(chunks, [2]int{lo, hi})
					mu.Unlock()
				})
				sort.Slice(chunks, func(i, j int) bool { return chunks[i][0] < chunks[j][0] })
				if len(chunks) > max(workers, 1) {
					t.Errorf("n=%d workers=%d align=%d: %d chunks", n, workers, align, len(chunks))
				}
				next := 0
				for i, c := range chunks {
					if c[0] != next || c[1] < c[0] {
						t.Fatalf("n=%d workers=%d align=%d: chunks %v do not tile [0, %d)", n, workers, align, chunks, n)
					}
					if i < len(chunks)-1 && (c[1]-c[0])%align != 0 {
						t.Errorf("n=%d workers=%d align=%d: chunk %v not a multiple of %d", n, workers, align, c, align)
					}
					next = c[1]
				}
				if next != n {
					t.Fatalf("n=%d workers=%d align=%d: chunks %v end at %d", n, workers, align, chunks, next)
				}
			}
		}
	}
}
