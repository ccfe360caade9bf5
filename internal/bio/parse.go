package bio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/valyala/fastjson"
)

// parsers parse request bodies on the fast path of parse.
var parsers fastjson.ParserPool

// parse returns the generic JSON tree of body (objects as map[string]any,
// numbers as json.Number), or an error wrapping ErrMalformed.
//
// Most bodies take fastjson, which builds the tree at a third of the cost of
// encoding/json (a third of an exact-cache hit went to decoding). Any body
// it does not accept, and any with a \u escape (fastjson keeps a lone
// surrogate as text where encoding/json makes it U+FFFD), takes
// encoding/json, which also words the error. FuzzDecode checks that both
// give the same tree.
func parse(body []byte) (any, error) {
	if v, ok := parseFast(body); ok {
		return v, nil
	}
	return parseStd(body)
}

func parseFast(body []byte) (any, bool) {
	if bytes.Contains(body, []byte(`\u`)) || fastjson.ValidateBytes(body) != nil {
		return nil, false
	}
	p := parsers.Get()
	defer parsers.Put(p)
	v, err := p.ParseBytes(body)
	if err != nil {
		return nil, false
	}
	return tree(v), true
}

// tree copies v out of the parser's memory, which the next parse reuses.
func tree(v *fastjson.Value) any {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		m := make(map[string]any, o.Len())
		o.Visit(func(k []byte, v *fastjson.Value) {
			m[string(k)] = tree(v) // a repeated key: the last wins, as in encoding/json
		})
		return m
	case fastjson.TypeArray:
		a, _ := v.Array()
		out := make([]any, len(a))
		for i, x := range a {
			out[i] = tree(x)
		}
		return out
	case fastjson.TypeString:
		return string(v.GetStringBytes())
	case fastjson.TypeNumber:
		return json.Number(v.String())
	case fastjson.TypeTrue:
		return true
	case fastjson.TypeFalse:
		return false
	}
	return nil
}

func parseStd(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrMalformed, jsonErrorText(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: unexpected data after the JSON value", ErrMalformed)
	}
	return v, nil
}
