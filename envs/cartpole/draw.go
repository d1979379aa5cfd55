package cartpole

import (
	"fmt"
	"math"
	"strings"
)

// Drawing geometry, in metres: the view spans x ∈ [−viewHalf, viewHalf].
const (
	viewHalf  = 3.0
	cartW     = 0.5
	cartH     = 0.25
	svgWidth  = 480
	svgHeight = 240
)

// SVG draws the cartpole in state s as a standalone SVG image.
func (p Params) SVG(s State) string {
	var b strings.Builder
	p.svgOpen(&b)
	p.drawState(&b, s, "")
	b.WriteString("</svg>")
	return b.String()
}

// AnimatedSVG draws a trajectory as an SVG animation (one frame every
// frameSeconds; loops), viewable in a browser or a notebook.
func (p Params) AnimatedSVG(states []State, frameSeconds float64) string {
	if len(states) == 0 {
		return p.SVG(Hanging)
	}
	if !(frameSeconds > 0) {
		frameSeconds = p.Dt
	}
	var b strings.Builder
	p.svgOpen(&b)
	total := frameSeconds * float64(len(states))
	for i, s := range states {
		// Each frame is visible during [i, i+1)/n of the loop.
		vis := make([]string, len(states)+1)
		for j := range vis {
			vis[j] = "hidden"
		}
		vis[i] = "visible"
		keyTimes := make([]string, len(states)+1)
		for j := range keyTimes {
			keyTimes[j] = fmt.Sprintf("%.5f", float64(j)/float64(len(states)))
		}
		anim := fmt.Sprintf(`<set attributeName="visibility" to="hidden"/><animate attributeName="visibility" values="%s" keyTimes="%s" dur="%.3fs" calcMode="discrete" repeatCount="indefinite"/>`,
			strings.Join(vis, ";"), strings.Join(keyTimes, ";"), total)
		p.drawState(&b, s, anim)
	}
	b.WriteString("</svg>")
	return b.String()
}

func (p Params) svgOpen(b *strings.Builder) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">`, svgWidth, svgHeight, svgWidth, svgHeight)
	fmt.Fprintf(b, `<rect width="%d" height="%d" fill="white"/>`, svgWidth, svgHeight)
	y := svgHeight * 2 / 3
	fmt.Fprintf(b, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#888" stroke-width="2"/>`, y, svgWidth, y)
}

// drawState draws one frame as a group; extra is inserted into the group
// (animation elements).
func (p Params) drawState(b *strings.Builder, s State, extra string) {
	scale := float64(svgWidth) / (2 * viewHalf)
	ground := float64(svgHeight * 2 / 3)
	cx := float64(svgWidth)/2 + s.X*scale
	cy := ground - cartH*scale/2
	pole := 2 * p.HalfLength * scale
	tipX := cx + pole*math.Sin(s.Theta)
	tipY := cy - pole*math.Cos(s.Theta)
	fmt.Fprintf(b, `<g>%s`, extra)
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#4a6fa5" rx="4"/>`,
		cx-cartW*scale/2, cy-cartH*scale/2, cartW*scale, cartH*scale)
	fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c0504d" stroke-width="6" stroke-linecap="round"/>`, cx, cy, tipX, tipY)
	fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="4" fill="#333"/>`, cx, cy)
	b.WriteString(`</g>`)
}
