package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressBar draws the progress of several concurrent jobs as one bar
// (github.com/schollz/progressbar) on a terminal, or as a line every 10
// seconds when the output is not one. It shows the elapsed time, and the
// time left once there is data to estimate it from (timeLeft).
type progressBar struct {
	w     io.Writer
	tty   bool
	total int
	bar   *progressbar.ProgressBar

	mu   sync.Mutex
	done map[string]int
	est  timeLeft
	last time.Time
}

func newProgressBar(w *os.File, total int) *progressBar {
	tty := false
	if fi, err := w.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		tty = true
	}
	return newProgressBarTo(w, tty, total)
}

func newProgressBarTo(w io.Writer, tty bool, total int) *progressBar {
	out, throttle := w, 100*time.Millisecond
	if !tty {
		out, throttle = io.Discard, 0 // update writes lines of its own
	}
	bar := progressbar.NewOptions(max(total, 1),
		progressbar.OptionSetWriter(out),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		// The library's own prediction divides by a rate of zero before
		// the first step; timeLeft's estimate goes in the description.
		progressbar.OptionSetPredictTime(false),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionShowDescriptionAtLineEnd(),
		progressbar.OptionThrottle(throttle),
		progressbar.OptionSetDescription(noEstimate),
	)
	return &progressBar{w: w, tty: tty, total: total, bar: bar, done: map[string]int{}}
}

// noEstimate is said in place of the time left until there is data.
const noEstimate = "estimating time left"

// update records that job has done n steps, with msg describing it; final
// forces a line when the output is not a terminal.
func (b *progressBar) update(job string, n int, msg string, final bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done[job] = n
	sum := 0
	for _, v := range b.done {
		sum += v
	}
	now := time.Now()
	b.est.observe(now, sum)
	left := noEstimate
	if d, ok := b.est.left(now, b.total); ok {
		left = d.Round(time.Second).String() + " left"
	}
	b.bar.Describe(left + " | " + msg)
	b.bar.Set(min(sum, b.total))
	if b.tty {
		return
	}
	if final || now.Sub(b.last) > 10*time.Second {
		fmt.Fprintln(b.w, strings.TrimSpace(b.bar.String()))
		b.last = now
	}
}

func (b *progressBar) finish() {
	if b.tty {
		fmt.Fprintln(b.w)
	}
}

// timeLeft estimates the time left of work whose progress is reported as
// a count of done steps. The rate is measured from the first report on,
// so that start-up (compiling, loading, the first evaluation) does not
// count as work; before a second report with more steps done there is no
// estimate.
type timeLeft struct {
	first     time.Time
	firstDone int
	seen      bool
	lastDone  int
}

// observe records that done steps were finished at time now.
func (t *timeLeft) observe(now time.Time, done int) {
	if !t.seen {
		t.first, t.firstDone, t.seen = now, done, true
	}
	t.lastDone = done
}

// left returns the estimated time left at now for total steps, and false
// while there is no data to estimate from.
func (t *timeLeft) left(now time.Time, total int) (time.Duration, bool) {
	steps := t.lastDone - t.firstDone
	took := now.Sub(t.first)
	if !t.seen || steps <= 0 || took <= 0 {
		return 0, false
	}
	rest := total - t.lastDone
	if rest <= 0 {
		return 0, true
	}
	return time.Duration(float64(took) / float64(steps) * float64(rest)), true
}
