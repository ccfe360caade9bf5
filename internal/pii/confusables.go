package pii

import (
	"unicode"
	"unicode/utf8"
)

// confusables maps letters of other scripts that print like a Latin letter
// (Cyrillic and Greek look-alikes, small capitals) to that letter, in
// lower case, for detection only: "Okаfor" with a Cyrillic "а", "ΟΚΑFΟR"
// in Greek capitals and "ᴏᴋᴀꜰᴏʀ" in small capitals all read "okafor". A
// text in Russian or Greek is sent as it is; only what detection reads is
// folded. The table is small on purpose: it holds the letters that pass
// for Latin ones in common fonts, not Unicode's whole confusables list.
var confusables = map[rune]byte{
	// Cyrillic
	'а': 'a', 'А': 'a', 'в': 'b', 'В': 'b', 'с': 'c', 'С': 'c', 'ԁ': 'd', 'е': 'e', 'Е': 'e',
	'ё': 'e', 'Ё': 'e', 'һ': 'h', 'Һ': 'h', 'Н': 'h', 'н': 'h', 'і': 'i', 'І': 'i', 'ї': 'i',
	'Ї': 'i', 'ј': 'j', 'Ј': 'j', 'к': 'k', 'К': 'k', 'ӏ': 'l', 'Ӏ': 'l', 'м': 'm', 'М': 'm',
	'о': 'o', 'О': 'o', 'р': 'p', 'Р': 'p', 'ԛ': 'q', 'Ԛ': 'q', 'ѕ': 's', 'Ѕ': 's', 'т': 't',
	'Т': 't', 'у': 'y', 'У': 'y', 'ү': 'y', 'Ү': 'y', 'ԝ': 'w', 'Ԝ': 'w', 'х': 'x', 'Х': 'x',
	'ь': 'b', 'Ь': 'b', 'п': 'n', 'г': 'r', 'ԍ': 'g', 'Ԍ': 'g',
	// Greek
	'α': 'a', 'Α': 'a', 'β': 'b', 'Β': 'b', 'ϲ': 'c', 'Ϲ': 'c', 'ε': 'e', 'Ε': 'e', 'Ζ': 'z',
	'η': 'n', 'Η': 'h', 'ι': 'i', 'Ι': 'i', 'ϳ': 'j', 'Ϳ': 'j', 'κ': 'k', 'Κ': 'k', 'Μ': 'm',
	'ν': 'v', 'Ν': 'n', 'ο': 'o', 'Ο': 'o', 'ρ': 'p', 'Ρ': 'p', 'τ': 't', 'Τ': 't', 'υ': 'u',
	'Υ': 'y', 'χ': 'x', 'Χ': 'x', 'γ': 'y', 'ω': 'w', 'ς': 's',
	// Small capitals and Latin letters that pass for others
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i',
	'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ǫ': 'q', 'ʀ': 'r',
	'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', 'ɑ': 'a', 'ɡ': 'g',
	'ɩ': 'i', 'ı': 'i', 'ȷ': 'j', 'ſ': 's',
	// Armenian
	'օ': 'o', 'ս': 'u', 'հ': 'h', 'ո': 'n',
}

// digitValue returns the value of a decimal digit of any script
// (Unicode category Nd: "٤", "४", "４"), or -1. Every Nd range of the
// Unicode tables is made of whole runs of ten digits from zero to nine
// (TestDigitValue checks it), so a digit's value is its distance from the
// range's start, modulo ten.
func digitValue(r rune) int {
	if '0' <= r && r <= '9' {
		return int(r - '0')
	}
	if r < utf8.RuneSelf || !unicode.Is(unicode.Nd, r) {
		return -1
	}
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); lo <= r && r <= hi {
			return int(r-lo) % 10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); lo <= r && r <= hi {
			return int(r-lo) % 10
		}
	}
	return -1
}
