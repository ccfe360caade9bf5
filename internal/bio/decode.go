package bio

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Limits of the contract.
const (
	MaxString            = 200
	MaxSummary           = 2000
	MaxItemText          = 500
	MaxUserID            = 128
	MaxSkills            = 50
	MaxAchievements      = 20
	MaxExperience        = 30
	MaxEducation         = 10
	MaxCertifications    = 20
	MaxLanguages         = 20
	MaxYearsExperience   = 80
	maxLanguageTagLength = 35
)

// ErrMalformed is returned (wrapped) by Decode for a body that is not valid
// UTF-8 or not valid JSON.
var ErrMalformed = errors.New("malformed JSON")

// FieldError is one invalid field of a request.
type FieldError struct {
	// Pointer is the RFC 6901 JSON Pointer of the field in the request body.
	Pointer string `json:"pointer"`
	Detail  string `json:"detail"`
}

// ValidationError lists every invalid field of a request, sorted by pointer.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	if len(e.Fields) == 1 {
		return fmt.Sprintf("invalid request: %s: %s", e.Fields[0].Pointer, e.Fields[0].Detail)
	}
	return fmt.Sprintf("invalid request: %d fields are invalid", len(e.Fields))
}

// Decode parses, validates and normalises a request body.
//
// A body that is not UTF-8 or not JSON gives an error wrapping ErrMalformed.
// A body that is JSON but not a valid request gives a *ValidationError naming
// every bad field, unknown fields included.
func Decode(body []byte) (*Request, error) {
	if !utf8.Valid(body) {
		return nil, fmt.Errorf("%w: body is not valid UTF-8", ErrMalformed)
	}
	v, err := parse(body)
	if err != nil {
		return nil, err
	}
	var d decoder
	req := d.request(v)
	if len(d.errs) > 0 {
		sort.SliceStable(d.errs, func(i, j int) bool { return d.errs[i].Pointer < d.errs[j].Pointer })
		return nil, &ValidationError{Fields: d.errs}
	}
	req.Normalize()
	return req, nil
}

// jsonErrorText describes a syntax error without echoing the body.
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return "unexpected end of input"
	}
	return "invalid JSON"
}

// decoder turns the generic JSON tree into a Request, collecting one
// FieldError per bad field instead of stopping at the first.
type decoder struct {
	errs []FieldError
}

func (d *decoder) fail(ptr, format string, args ...any) {
	d.errs = append(d.errs, FieldError{Pointer: ptr, Detail: fmt.Sprintf(format, args...)})
}

// object returns v as an object and reports fields not in allowed.
func (d *decoder) object(v any, ptr string, allowed ...string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		d.fail(ptr, "must be an object")
		return nil, false
	}
	for k := range m {
		known := false
		for _, a := range allowed {
			if k == a {
				known = true
				break
			}
		}
		if !known {
			d.fail(ptr+"/"+escapePointer(k), "unknown field")
		}
	}
	return m, true
}

func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// str reads an optional string of at most max characters (after
// normalisation). A JSON null counts as absent.
func (d *decoder) str(m map[string]any, key, ptr string, max int, required bool) string {
	v, ok := m[key]
	if !ok || v == nil {
		if required {
			d.fail(ptr+"/"+key, "is required")
		}
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(ptr+"/"+key, "must be a string")
		return ""
	}
	s = NormalizeText(s)
	if n := utf8.RuneCountInString(s); n > max {
		d.fail(ptr+"/"+key, "must be at most %d characters; got %d", max, n)
		return ""
	}
	if required && s == "" {
		d.fail(ptr+"/"+key, "must not be empty")
	}
	return s
}

func (d *decoder) strList(m map[string]any, key, ptr string, maxItems, maxLen int, noun string) []string {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		d.fail(ptr+"/"+key, "must be an array of strings")
		return nil
	}
	if len(a) > maxItems {
		d.fail(ptr+"/"+key+"/"+strconv.Itoa(maxItems), "at most %d %s; got %d", maxItems, noun, len(a))
		return nil
	}
	out := make([]string, 0, len(a))
	for i, item := range a {
		s, ok := item.(string)
		if !ok {
			d.fail(ptr+"/"+key+"/"+strconv.Itoa(i), "must be a string")
			continue
		}
		s = NormalizeText(s)
		if n := utf8.RuneCountInString(s); n > maxLen {
			d.fail(ptr+"/"+key+"/"+strconv.Itoa(i), "must be at most %d characters; got %d", maxLen, n)
			continue
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) integer(m map[string]any, key, ptr string, min, max int) (int, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, false
	}
	n, ok := v.(json.Number)
	if !ok {
		d.fail(ptr+"/"+key, "must be a number")
		return 0, false
	}
	i, err := n.Int64()
	if err != nil {
		d.fail(ptr+"/"+key, "must be a whole number")
		return 0, false
	}
	if i < int64(min) || i > int64(max) {
		d.fail(ptr+"/"+key, "must be between %d and %d; got %d", min, max, i)
		return 0, false
	}
	return int(i), true
}

func (d *decoder) boolean(m map[string]any, key, ptr string) bool {
	v, ok := m[key]
	if !ok || v == nil {
		return false
	}
	b, ok := v.(bool)
	if !ok {
		d.fail(ptr+"/"+key, "must be true or false")
	}
	return b
}

func (d *decoder) array(m map[string]any, key, ptr string, maxItems int, noun string) []any {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		d.fail(ptr+"/"+key, "must be an array")
		return nil
	}
	if len(a) > maxItems {
		d.fail(ptr+"/"+key+"/"+strconv.Itoa(maxItems), "at most %d %s; got %d", maxItems, noun, len(a))
		return nil
	}
	return a
}

func (d *decoder) request(v any) *Request {
	m, ok := d.object(v, "", "user_id", "profile", "options", "regenerate", "stream")
	if !ok {
		return nil
	}
	req := &Request{Options: DefaultOptions}
	req.UserID = d.userID(m)
	if p, ok := m["profile"]; ok && p != nil {
		req.Profile = d.profile(p)
	} else {
		d.fail("/profile", "is required")
	}
	if o, ok := m["options"]; ok && o != nil {
		d.options(o, &req.Options)
	}
	req.Regenerate = d.boolean(m, "regenerate", "")
	req.Stream = d.boolean(m, "stream", "")
	return req
}

func (d *decoder) userID(m map[string]any) string {
	v, ok := m["user_id"]
	if !ok || v == nil {
		d.fail("/user_id", "is required")
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail("/user_id", "must be a string")
		return ""
	}
	if !ValidUserID(s) {
		d.fail("/user_id", "must be 1 to %d characters of A-Z, a-z, 0-9, '.', '_', ':', '@' and '-', and not \".\" or \"..\"", MaxUserID)
		return ""
	}
	return s
}

// ValidUserID reports whether s is a user id the contract accepts.
func ValidUserID(s string) bool {
	if len(s) == 0 || len(s) > MaxUserID || s == "." || s == ".." {
		return false // "." and "..": no path could name the user to erase
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '_', c == ':', c == '@', c == '-':
		default:
			return false
		}
	}
	return true
}

func (d *decoder) profile(v any) Profile {
	const ptr = "/profile"
	m, ok := d.object(v, ptr, "name", "pronouns", "current_role", "company", "location",
		"years_experience", "experience", "experience_summary", "skills", "achievements",
		"education", "certifications", "languages")
	if !ok {
		return Profile{}
	}
	var p Profile
	p.Name = d.str(m, "name", ptr, MaxString, true)
	p.Pronouns = d.str(m, "pronouns", ptr, MaxString, false)
	p.CurrentRole = d.str(m, "current_role", ptr, MaxString, true)
	p.Company = d.str(m, "company", ptr, MaxString, false)
	p.Location = d.str(m, "location", ptr, MaxString, false)
	if y, ok := d.integer(m, "years_experience", ptr, 0, MaxYearsExperience); ok {
		p.YearsExperience = &y
	}
	p.ExperienceSummary = d.str(m, "experience_summary", ptr, MaxSummary, false)
	p.Skills = d.strList(m, "skills", ptr, MaxSkills, MaxString, "skills")
	p.Achievements = d.strList(m, "achievements", ptr, MaxAchievements, MaxItemText, "achievements")
	p.Certifications = d.strList(m, "certifications", ptr, MaxCertifications, MaxString, "certifications")
	p.Languages = d.strList(m, "languages", ptr, MaxLanguages, MaxString, "languages")
	for i, e := range d.array(m, "experience", ptr, MaxExperience, "experience entries") {
		if x, ok := d.experience(e, ptr+"/experience/"+strconv.Itoa(i)); ok {
			p.Experience = append(p.Experience, x)
		}
	}
	for i, e := range d.array(m, "education", ptr, MaxEducation, "education entries") {
		if x, ok := d.education(e, ptr+"/education/"+strconv.Itoa(i)); ok {
			p.Education = append(p.Education, x)
		}
	}
	return p
}

func (d *decoder) experience(v any, ptr string) (Experience, bool) {
	m, ok := d.object(v, ptr, "title", "company", "start", "end", "summary")
	if !ok {
		return Experience{}, false
	}
	n := len(d.errs)
	e := Experience{
		Title:   d.str(m, "title", ptr, MaxString, false),
		Company: d.str(m, "company", ptr, MaxString, false),
		Summary: d.str(m, "summary", ptr, MaxItemText, false),
	}
	// An end before its start is accepted: HR systems hold such rows, and
	// refusing them would refuse the whole profile. Writers leave the dates
	// of such an entry out (see Experience.Dated).
	if _, ok := d.date(m, "start", ptr); ok {
		e.Start = m["start"].(string)
	}
	if _, ok := d.date(m, "end", ptr); ok {
		e.End = m["end"].(string)
	}
	if e.Title == "" && e.Company == "" && len(d.errs) == n {
		d.fail(ptr+"/title", "an experience entry needs a title or a company")
	}
	return e, len(d.errs) == n
}

func (d *decoder) date(m map[string]any, key, ptr string) (YearMonth, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return YearMonth{}, false
	}
	s, ok := v.(string)
	if !ok {
		d.fail(ptr+"/"+key, "must be a string \"YYYY\" or \"YYYY-MM\"")
		return YearMonth{}, false
	}
	ym, ok := ParseYearMonth(s)
	if !ok {
		d.fail(ptr+"/"+key, "must be \"YYYY\" or \"YYYY-MM\" with a year from 1900 to 2100")
	}
	return ym, ok
}

func (d *decoder) education(v any, ptr string) (Education, bool) {
	m, ok := d.object(v, ptr, "school", "degree", "field", "year")
	if !ok {
		return Education{}, false
	}
	n := len(d.errs)
	e := Education{
		School: d.str(m, "school", ptr, MaxString, false),
		Degree: d.str(m, "degree", ptr, MaxString, false),
		Field:  d.str(m, "field", ptr, MaxString, false),
	}
	e.Year, _ = d.integer(m, "year", ptr, 1900, 2100)
	if e.School == "" && e.Degree == "" && e.Field == "" && len(d.errs) == n {
		d.fail(ptr+"/school", "an education entry needs a school, a degree or a field")
	}
	return e, len(d.errs) == n
}

func (d *decoder) options(v any, o *Options) {
	const ptr = "/options"
	m, ok := d.object(v, ptr, "tone", "length", "format", "perspective", "language")
	if !ok {
		return
	}
	if s, ok := d.enum(m, "tone", "formal", "casual"); ok {
		o.Tone = Tone(s)
	}
	if s, ok := d.enum(m, "length", "short", "medium", "long"); ok {
		o.Length = Length(s)
	}
	if s, ok := d.enum(m, "format", "paragraph", "bullets"); ok {
		o.Format = Format(s)
	}
	if s, ok := d.enum(m, "perspective", "third", "first"); ok {
		o.Perspective = Perspective(s)
	}
	v, ok = m["language"]
	if !ok || v == nil {
		return
	}
	s, ok := v.(string)
	if !ok || s == "" || len(s) > maxLanguageTagLength {
		d.fail(ptr+"/language", "must be a BCP 47 language tag such as \"en\" or \"pt-BR\"")
		return
	}
	tag, err := language.Parse(s)
	if err != nil {
		d.fail(ptr+"/language", "must be a BCP 47 language tag such as \"en\" or \"pt-BR\"")
		return
	}
	o.Language = tag.String()
}

func (d *decoder) enum(m map[string]any, key string, values ...string) (string, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", false
	}
	s, _ := v.(string)
	if slices.Contains(values, s) {
		return s, true
	}
	d.fail("/options/"+key, "must be one of %s", quoteList(values))
	return "", false
}

func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = `"` + v + `"`
	}
	return strings.Join(q, ", ")
}
