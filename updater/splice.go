package updater

import (
	"cmp"
	"slices"
	"strconv"
)

// target is a marked scalar: where it is in the file and what it holds.
type target struct {
	id     ObjectIdentifier
	line   int
	start  int // byte offset of the scalar's first byte (its opening quote, if any)
	end    int // byte offset just past the scalar (its closing quote, if any)
	style  quoteStyle
	flow   bool
	value  string
	setter string // the marker value as written
}

// edit replaces data[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// objectChange is a change and the object it was made in.
type objectChange struct {
	id ObjectIdentifier
	Change
}

// fileUpdate is what updating one file's bytes gives.
type fileUpdate struct {
	out      []byte // the new content, nil when nothing changed
	changes  []objectChange
	problems []Problem // File is left empty
}

// resolve turns targets into edits and changes, reporting markers it cannot resolve.
func resolve(data []byte, targets []target, images Images) fileUpdate {
	var u fileUpdate
	var edits []edit
	for _, t := range targets {
		s, err := ParseSetter(t.setter)
		if err != nil {
			u.problems = append(u.problems, Problem{Line: t.line, Kind: ProblemInvalidMarker,
				Setter: t.setter, Message: "invalid marker: " + err.Error()})
			continue
		}
		img, ok := images[s.Policy]
		if !ok {
			u.problems = append(u.problems, Problem{Line: t.line, Kind: ProblemUnknownPolicy,
				Setter: t.setter, Message: "marker " + strconv.Quote(t.setter) + " names unknown policy " + strconv.Quote(s.Policy)})
			continue
		}
		v := s.Value(img)
		if v == t.value {
			continue
		}
		edits = append(edits, edit{start: t.start, end: t.end, text: render(v, t.style, t.flow)})
		u.changes = append(u.changes, objectChange{id: t.id, Change: Change{OldValue: t.value, NewValue: v, Setter: s.String()}})
	}
	if len(edits) > 0 {
		slices.SortStableFunc(edits, func(a, b edit) int { return cmp.Compare(a.start, b.start) })
		u.out = splice(data, edits)
	}
	return u
}

// splice applies edits, which are sorted and do not overlap, to a copy of data.
func splice(data []byte, edits []edit) []byte {
	n := len(data)
	for _, e := range edits {
		n += len(e.text) - (e.end - e.start)
	}
	out := make([]byte, 0, n)
	at := 0
	for _, e := range edits {
		out = append(out, data[at:e.start]...)
		out = append(out, e.text...)
		at = e.end
	}
	return append(out, data[at:]...)
}
