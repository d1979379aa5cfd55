package widgets

import (
	"fmt"
	"sync"
	"time"
)

// Progress is a progress bar with a label that tells the count, the time
// elapsed and an estimate of the time left. The estimate assumes that the
// remaining steps take as long as the finished ones did on average; until
// a step has finished there is no estimate, and the label says so. The
// clock starts when the bar is made, or again at the first Update that
// reports no steps done: a bar made in one cell for work that a later cell
// starts measures the work, not the pause between.
//
// Its Update method fits the progress callbacks of long library calls:
//
//	bar := widgets.NewProgress("training", cfg.Steps)
//	bar // show it
//	res, err := regression.Run(ctx, cfg, func(p regression.Progress) { bar.Update(p.Step, p.Total) })
//	bar.Finish(err)
type Progress struct {
	// Bar is the progress bar; Label the text beside it; Box holds both.
	Bar   *IntProgress
	Label *Label
	Box   *HBox

	mu       sync.Mutex
	start    time.Time
	last     time.Time // of the last update sent
	done     int
	total    int
	finished bool
	updated  bool // whether Update was called
	now      func() time.Time
}

// MinInterval is the shortest time between two updates a Progress sends;
// updates in between are folded into the next one.
const MinInterval = 100 * time.Millisecond

// NewProgress returns a Progress at 0 of total steps, described by
// description. The clock starts now (see Progress).
func NewProgress(description string, total int) *Progress {
	p := &Progress{Bar: NewIntProgress(), Label: NewLabel(""), total: total, now: time.Now}
	p.Bar.Description = description
	p.Bar.Max = total
	p.Box = NewHBox(p.Bar, p.Label)
	p.start = p.now()
	p.Label.Value = p.text(p.start)
	p.Bar.Sync()
	p.Label.Sync()
	return p
}

// MIMEBundle shows the bar and its label.
func (p *Progress) MIMEBundle() map[string]any { return p.Box.MIMEBundle() }

// Update records that done of total steps have finished (total ≤ 0 keeps
// the total). It sends at most one update per MinInterval, and always the
// last step's.
func (p *Progress) Update(done, total int) {
	p.mu.Lock()
	if total > 0 {
		p.total = total
	}
	p.done = done
	now := p.now()
	if !p.updated && done == 0 {
		p.start = now
	}
	p.updated = true
	if now.Sub(p.last) < MinInterval && done < p.total {
		p.mu.Unlock()
		return
	}
	p.last = now
	p.mu.Unlock()
	p.show(now)
}

// Add records n more finished steps.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	done := p.done + n
	p.mu.Unlock()
	p.Update(done, 0)
}

// Finish marks the work as ended: green with the total time when err is
// nil, red with the error otherwise.
func (p *Progress) Finish(err error) {
	p.mu.Lock()
	p.finished = true
	now := p.now()
	p.mu.Unlock()
	if err != nil {
		p.Bar.BarStyle = "danger"
	} else {
		p.Bar.BarStyle = "success"
	}
	p.show(now)
	if err != nil {
		p.Label.SetValue(p.Label.Value + " · " + err.Error())
	}
}

func (p *Progress) show(now time.Time) {
	p.mu.Lock()
	text := p.text(now)
	p.Bar.Max = p.total
	p.Bar.Value = min(max(p.done, 0), p.total)
	p.Label.Value = text
	p.mu.Unlock()
	p.Bar.Sync()
	p.Label.Sync()
}

// text is the label at time now.
func (p *Progress) text(now time.Time) string {
	elapsed := now.Sub(p.start)
	s := fmt.Sprintf("%d/%d · %s", p.done, p.total, clock(elapsed))
	switch {
	case p.finished:
	case p.done <= 0 || p.total <= 0:
		s += " · estimating time left"
	case p.done < p.total:
		left := time.Duration(float64(elapsed) / float64(p.done) * float64(p.total-p.done))
		s += " · " + clock(left) + " left"
	}
	return s
}

// clock formats d as m:ss or h:mm:ss.
func clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}
