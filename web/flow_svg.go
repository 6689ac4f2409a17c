package web

import (
	"fmt"
	"html/template"
	"strings"

	"minzheng/casework"
)

// flowDiagram draws a flow as SVG: its states top to bottom in the
// table's order, each step an arrow labelled with its action — straight
// down to the next state, curved on the right for the others. Withdrawal,
// termination, extension and suspension, possible from most states, are
// left out of the drawing and named under it. The current state is marked.
func flowDiagram(f *casework.Flow, current casework.State) template.HTML {
	skip := map[casework.Action]bool{casework.Withdraw: true, casework.Terminate: true, casework.Extend: true, casework.Suspend: true, casework.Resume: true}
	var states []casework.State
	index := map[casework.State]int{}
	for _, s := range f.States() {
		if s == casework.Withdrawn || s == casework.Terminated {
			continue
		}
		index[s] = len(states)
		states = append(states, s)
	}
	const boxW, boxH, gap, left = 150, 30, 26, 10
	y := func(i int) int { return 10 + i*(boxH+gap) }
	var b strings.Builder
	height := y(len(states)) + 10
	lanes := 0
	var edges strings.Builder
	for _, st := range f.Steps {
		if skip[st.Action] || st.Next == "" {
			continue
		}
		to, ok := index[st.Next]
		if !ok {
			continue
		}
		for _, from := range st.From {
			fi, ok := index[from]
			if !ok || fi == to {
				continue
			}
			label := template.HTMLEscapeString(st.Title)
			if to == fi+1 {
				x := left + boxW/2
				fmt.Fprintf(&edges, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="edge" marker-end="url(#arrow)"/>`, x, y(fi)+boxH, x, y(to)-2)
				fmt.Fprintf(&edges, `<text x="%d" y="%d" class="label">%s</text>`, x+6, y(fi)+boxH+gap/2+4, label)
				continue
			}
			lanes++
			x := left + boxW + 20 + lanes*18
			y1, y2 := y(fi)+boxH/2, y(to)+boxH/2
			fmt.Fprintf(&edges, `<path d="M%d %d C%d %d, %d %d, %d %d" class="edge side" marker-end="url(#arrow)"/>`,
				left+boxW, y1, x, y1, x, y2, left+boxW+2, y2)
			fmt.Fprintf(&edges, `<text x="%d" y="%d" class="label">%s</text>`, x+4, (y1+y2)/2, label)
		}
	}
	width := left + boxW + 40 + lanes*18 + 190
	fmt.Fprintf(&b, `<svg class="flow" role="img" aria-label="%s办理流程图" width="%d" height="%d" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`,
		template.HTMLEscapeString(f.Title), width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z"/></marker></defs>`)
	for i, s := range states {
		class := "state"
		if s == current {
			class += " current"
		}
		if s.Final() {
			class += " final"
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" class="%s"/>`, left, y(i), boxW, boxH, class)
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="name" text-anchor="middle">%s</text>`, left+boxW/2, y(i)+boxH/2+5, template.HTMLEscapeString(casework.StateNames[s]))
	}
	b.WriteString(edges.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func init() { funcs["flowDiagram"] = flowDiagram }
