package pii

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Handles written without an "@" before them, or with a space after it:
// "GitHub: purple-penguin", "X (Twitter): purple_penguin", "Find me on
// GitHub as purple-penguin", "Handle @ purple_penguin". A handle made of
// English words ("purple-penguin") passes the second layer word by word,
// so it is found by what stands before it.

// platforms are the services whose name, before a colon, "as" or "is",
// introduces a handle, in lower case. Those that are English words ("X",
// "Medium", "Signal") introduce one only written with a capital.
var platforms = map[string]bool{
	"github": true, "gitlab": true, "bitbucket": true, "codeberg": true, "twitter": true, "skype": true, "telegram": true,
	"instagram": true, "insta": true, "linkedin": true, "mastodon": true, "discord": true, "kaggle": true,
	"substack": true, "youtube": true, "tiktok": true, "facebook": true, "fb": true, "bluesky": true, "bsky": true,
	"reddit": true, "whatsapp": true, "wechat": true, "weixin": true, "snapchat": true, "twitch": true,
	"stackoverflow": true, "dribbble": true, "behance": true, "codeforces": true, "leetcode": true, "hackerrank": true,
	"keybase": true, "pinterest": true, "tumblr": true, "flickr": true, "soundcloud": true, "viber": true,
	"huggingface": true, "devto": true, "hashnode": true, "quora": true, "weibo": true, "xing": true, "vk": true,
	"npm": true, "pypi": true, "dockerhub": true, "orcid": true, "researchgate": true, "threads": true, "signal": true,
	"medium": true, "slack": true, "x": true, "matrix": true, "line": true, "teams": true, "zoom": true, "kakao": true,
}

// capitalPlatforms are the platforms that are English words or letters:
// only their name with a capital introduces a handle ("X: ...", not "x:").
var capitalPlatforms = map[string]bool{"threads": true, "signal": true, "medium": true, "slack": true, "x": true,
	"matrix": true, "line": true, "teams": true, "zoom": true}

// handleWords stand between a platform's name and its handle: "GitHub
// handle: ...", "Twitter username is ...".
var handleWords = map[string]bool{"handle": true, "username": true, "user": true, "id": true, "account": true,
	"profile": true, "name": true, "nick": true, "nickname": true, "alias": true}

// platformHandles calls fn with each handle in the view t that follows a
// platform's name and a colon, "as" or "is" ("GitHub: purple-penguin",
// "on GitHub as purple-penguin", "my Skype is purple.penguin"), or "@" and
// a space ("Handle @ purple_penguin"), and its key ("@purple-penguin").
func platformHandles(t string, fn func(start, end int, key string)) {
	for i := 0; i < len(t); i++ {
		var from int
		switch c := t[i]; {
		case c == ':':
			from = i + 1
		case c == '@' && i+1 < len(t) && t[i+1] == ' ':
			from = i + 1
		case c == ' ' && i+3 < len(t) && t[i+3] == ' ' && t[i+2]|0x20 == 's' && (t[i+1]|0x20 == 'a' || t[i+1]|0x20 == 'i'):
			from = i + 3
		default:
			continue
		}
		j := from
		for j < len(t) && j-from < 3 && t[j] == ' ' {
			j++
		}
		end := handleEnd(t, j)
		if end == j {
			continue
		}
		w := t[j:end]
		switch {
		case t[i] == '@' && handleShaped(w):
			fn(i, end, "@"+strings.ToLower(w))
			i = end - 1
		case t[i] != '@' && handleShaped(w) && platformBefore(t, i):
			fn(j, end, "@"+strings.ToLower(w))
			i = end - 1
		}
	}
}

// handleEnd returns the end of a handle starting at t[i]: letters, digits
// and '_', with single '-', '.' or '_' between them; i when none starts.
func handleEnd(t string, i int) int {
	j := i
	for j < len(t) {
		r, size := utf8.DecodeRuneInString(t[j:])
		switch {
		case isWordRune(r) || r == '_':
			j += size
		case (r == '-' || r == '.') && j > i && j+1 < len(t) && (wordAt(t, j+1) || t[j+1] == '_'):
			j += size
		default:
			return j
		}
	}
	return j
}

// handleShaped reports whether w reads as a handle: words joined by '-',
// '_' or '.' ("purple-penguin", "purple.penguin", "_ada"), or letters and
// digits ("zbk88"). One word of letters alone ("purplepenguin") is not
// one: after "LinkedIn:" it is as often a word of the text that a removed
// detail left there ("verify LinkedIn: certifications"), and the second
// layer denies it unless it is an English word. A number ("10k",
// "2019-2021") is not one.
func handleShaped(w string) bool {
	letters, digits := false, false
	for _, r := range w {
		letters = letters || unicode.IsLetter(r)
		digits = digits || unicode.IsDigit(r)
	}
	if !letters || utf8.RuneCountInString(w) < 2 || numeric(w) {
		return false
	}
	return digits || strings.ContainsAny(w, "-_.")
}

// platformBefore reports whether the name of a platform ends before t[i],
// apart by spaces, a word such as "handle" and a name in brackets: "GitHub:
// ", "X (Twitter): ", "Twitter handle @ ", "on GitHub as".
func platformBefore(t string, i int) bool {
	j := i
	skip := func() {
		for j > 0 && t[j-1] == ' ' {
			j--
		}
	}
	word := func() string {
		k := j
		for k > 0 && isWordByte(t[k-1]) {
			k--
		}
		w := t[k:j]
		j = k
		return w
	}
	skip()
	if j > 0 && t[j-1] == ')' {
		// "X (Twitter)": the name in brackets is a platform's too.
		k := strings.LastIndexByte(t[:j], '(')
		if k < 0 || j-k > 24 {
			return false
		}
		if inner := strings.TrimSpace(t[k+1 : j-1]); isPlatform(inner) {
			return true
		}
		j = k
		skip()
	}
	w := word()
	if handleWords[strings.ToLower(w)] {
		skip()
		w = word()
		if strings.EqualFold(w, "user") { // "user name"
			skip()
			w = word()
		}
	}
	return isPlatform(w)
}

// isPlatform reports whether w is a platform's name as written.
func isPlatform(w string) bool {
	if w == "" || len(w) > 16 {
		return false
	}
	low := strings.ToLower(w)
	if !platforms[low] {
		return false
	}
	r, _ := utf8.DecodeRuneInString(w)
	return !capitalPlatforms[low] || unicode.IsUpper(r)
}
