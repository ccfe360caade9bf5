package safety

// literals is an Aho-Corasick automaton over the terms' needs: one pass
// over a text finds every term one of whose literals it holds. The
// patterns read lower-case text, so the automaton's alphabet is the bytes
// the literals use; any other byte leads back to the root.
//
// The zero value matches nothing. It is read-only once built, and so safe
// for concurrent use.
type literals struct {
	class [256]uint8 // byte -> symbol; 0 is "not in any literal"
	width int        // symbols, with 0
	next  []uint16   // node*width + symbol -> node (about 2 MB for the terms)
	out   []uint64   // node -> terms matched on reaching it
}

// newLiterals builds the automaton of needs, needs[i] being term i's.
func newLiterals(needs [][]string) *literals {
	l := &literals{}
	for _, set := range needs {
		for _, s := range set {
			for i := 0; i < len(s); i++ {
				if l.class[s[i]] == 0 {
					l.width++
					l.class[s[i]] = uint8(l.width)
				}
			}
		}
	}
	l.width++
	// The trie.
	l.grow()
	for term, set := range needs {
		for _, s := range set {
			n := int32(0)
			for i := 0; i < len(s); i++ {
				c := int32(l.class[s[i]])
				if l.next[n*int32(l.width)+c] == 0 {
					l.next[n*int32(l.width)+c] = uint16(l.grow())
				}
				n = int32(l.next[n*int32(l.width)+c])
			}
			l.out[n] |= 1 << term
		}
	}
	l.link()
	return l
}

// grow adds a node and returns it.
func (l *literals) grow() int32 {
	if len(l.out) >= 1<<16 {
		panic("safety: the literals need more nodes than a uint16 numbers")
	}
	l.next = append(l.next, make([]uint16, l.width)...)
	l.out = append(l.out, 0)
	return int32(len(l.out) - 1)
}

// link turns the trie into the automaton: breadth first, each missing
// transition goes where the longest proper suffix would, and each node
// matches what its suffix matches.
func (l *literals) link() {
	w := int32(l.width)
	fail := make([]int32, len(l.out))
	var queue []int32
	for c := int32(0); c < w; c++ {
		if n := int32(l.next[c]); n != 0 {
			queue = append(queue, n)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		l.out[n] |= l.out[fail[n]]
		for c := int32(0); c < w; c++ {
			m := int32(l.next[n*w+c])
			if m == 0 {
				l.next[n*w+c] = l.next[fail[n]*w+c]
				continue
			}
			fail[m] = int32(l.next[fail[n]*w+c])
			queue = append(queue, m)
		}
	}
}

// match returns the terms whose literals text holds, as a mask.
func (l *literals) match(text string) uint64 {
	var live uint64
	n, w := int32(0), int32(l.width)
	for i := 0; i < len(text); i++ {
		n = int32(l.next[n*w+int32(l.class[text[i]])])
		live |= l.out[n]
	}
	return live
}
