#!/usr/bin/env python3
"""Writes given.txt and words.txt, the lists that internal/lexicon embeds.

Usage (see README.md for where each input comes from):

    python3 generate.py \
        --moby  FEMALE_NAMES_TXT MALE_NAMES_TXT \
        --ssa   US_NAME_DATA_SQLITE \
        --words /usr/share/dict/american-english \
        --common-words /usr/share/dict/american-english-small \
        --zones /usr/share/zoneinfo \
        --out .

Only the Python standard library is used. The output is sorted and stable,
so running it again on the same inputs gives the same file.
"""
import argparse
import os
import sqlite3
import sys

# The smallest number of US births (1880-2024, both sexes) for a name of
# the SSA files to count: 1,000 keeps about 11,700 names, among them most
# given names of the world that are used in the US (Priya, Kwame, Hiroshi,
# Aisha, Wojciech is not), and drops spellings given a handful of times,
# which are more often a word, a brand or a typo than a name.
SSA_MIN_BIRTHS = 1000

# Places that are also given names and that neither the country list nor
# the time-zone cities hold: US states, large cities of English-speaking
# countries, regions. A bio that says "based in Austin" names a place.
PLACES = """
Alabama Alaska Arizona Arkansas California Carolina Colorado Dakota Delaware Florida Georgia Hawaii
Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota
Mississippi Missouri Montana Nebraska Nevada Jersey Mexico York Ohio Oklahoma Oregon Pennsylvania
Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming
Austin Dallas Houston Phoenix Denver Orlando Jackson Madison Lincoln Charlotte Savannah Aurora
Florence Victoria Sydney Adelaide Darwin Hamilton Kingston Chester Lancaster Preston Camden Brighton
Kent Devon Clifton Trenton Everett Tyler Eugene Marion Warren Troy Salem Columbia Regina Valencia
Sofia Lima Alexandria Cairo Jordan Israel Chad Paris London Siena Lorraine Normandy Berkeley Stanford
Harvard Cambridge Oxford Princeton Auckland Wellington Brisbane Perth Melbourne Vancouver Calgary
Boston Seattle Portland Raleigh Durham Memphis Nashville Augusta Orange Bristol Chelsea Brooklyn
Kensington Sheffield Hampton Richmond Arlington Franklin Clinton Milton Ashley Shelby Laredo Reno
Tulsa Tacoma Sterling Beverly Mercedes Valencia Granada Toledo Santiago Santana Sedona Cheyenne
Bethany Galilee Sharon Eden Zion Lourdes Fatima Medina Mecca India China America Asia Africa Europe
Ireland Scotland England Wales Britain Kenya Ghana Nigeria Egypt Syria Lebanon Iran Italy Francia
Germany Holland Sweden Norway Denmark Finland Russia Ukraine Georgia Armenia Cuba Jamaica Haiti
Dominica Grenada Panama Peru Chile Brazil Argentina Bolivia Colombia Ecuador Venezuela Canada
Australia Zealand Japan Korea Taiwan Vietnam Thailand Malaysia Singapore Indonesia Philippines
Lyon Milan Geneva Venice Naples Verona Rome Nice Marseille Vienna Prague Brussels Antwerp Bruges Sevilla
Seville Porto Lisbon Dublin Galway Cork Belfast Glasgow Aberdeen Leeds York Hull Bath Derby Ely Florence
""".split()

# A name that is also an English word is read as a person's name on its own
# in the middle of a sentence ("worked with Will on") when at least this
# many US births were given it: Will, Mark, Grant, Rose, Faith. Rarer ones
# (Azure, Shell, Navy) are read as the word unless a title or a surname
# goes with them.
COMMON_NAME_BIRTHS = 20000

# Capitalised terms that are also given names and that the English word
# list has only with a capital: months, weekdays, seasons, holidays,
# nationalities, languages and religions; and technologies, brands,
# awards and myths that bios name (Julia and Ada the languages, Apache
# Cassandra, Alexa, an Emmy, a Rhodes scholarship, Morgan Stanley).
TERMS = """
January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Spring Summer Autumn Winter Easter Noel
English French German Dutch Irish Welsh Scottish British Thai Latina Latino Christian Norman Saxon Roman
Dane Dari Cherokee Sioux Lakota Dakota Navajo Apache Hindu Sikh
Ada Julia Cassandra Alexa Siri Claude Watson Hudson Pascal Haskell Perl Ruby Rust Swift Kotlin Elixir
Apollo Athena Artemis Jupiter Juno Orion Luna Minerva Gaia Zeus Thor Odin Loki Freya Neo Nova Atlas Iris
Emmy Oscar Tony Grammy Rhodes Fulbright Tesla Edison Morgan Ernst Porsche Lexus Kia Mercedes Wendy Denny
Yankee Harvey Charlie Romeo Victor Sierra Delta Echo Ford Dell Disney Marshall Gates Chase Wells Fargo
Sage Ember Jasmine Unity Genesis Azure Meta Shell Canon Navy Sterling Legacy Quest Titan Summit
McKinsey Forbes Kaiser Nike Zara Hilton Hyatt Ola Pandora Warner Macy Lowe Erasmus Effie Clio Marriott
Chanel Cartier Kellogg Heinz Hershey Wrigley Carnegie Rockefeller Kellogg Wharton Emory Duke Rice Tufts
""".split()

# Names the list must not hold at all: none so far. Keep each with a reason.
NOT_NAMES = set()


def moby(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            name = line.strip()
            if name and name.isalpha():
                yield name


def ssa(path):
    """Returns the births of each name of the SSA files, lower case."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT name, SUM(births) FROM usNameData GROUP BY name")
        return {name.lower(): births for name, births in rows if name.isalpha()}
    finally:
        db.close()


def english_words(path):
    """Returns the lower-case words of a SCOWL list (wamerican): words that
    are written in lower case are common words, not only names."""
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.strip()
            if w and w.islower() and w.isalpha():
                out.add(w)
    return out


def places(zones):
    out = {p.lower() for p in PLACES}
    with open(os.path.join(zones, "iso3166.tab"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            for part in line.rstrip("\n").split("\t")[1].replace("(", " ").replace(")", " ").split():
                if part[:1].isupper():
                    out.add(part.lower())
    with open(os.path.join(zones, "zone1970.tab"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3:
                for part in cols[2].split("/")[-1].split("_"):
                    out.add(part.lower())
    return out


# Endings that make a word of another; internal/lexicon strips the same
# (IsWord in lexicon.go), so words.txt needs only the base word.
ENDINGS = [("ies", "y"), ("ied", "y"), ("ers", ""), ("ers", "e"), ("ing", ""), ("ing", "e"), ("es", ""),
           ("ed", ""), ("ed", "e"), ("er", ""), ("er", "e"), ("ly", ""), ("s", "")]


def bases(w):
    """Yields the words w may be made from by one of ENDINGS."""
    for end, add in ENDINGS:
        if w.endswith(end) and len(w) - len(end) >= 3:
            stem = w[: -len(end)]
            yield stem + add
            if add == "" and len(stem) >= 4 and stem[-1] == stem[-2] and end in ("ing", "ed", "er", "ers"):
                yield stem[:-1]  # planned, running


def common_words(path, extra):
    """Returns the lower-case base words of a SCOWL list and extra: a
    capitalised one after a name makes a title-cased phrase or a place
    ("Grant Writing", "Sierra Nevada"), not a surname."""
    words = set(extra)
    with open(path, encoding="utf-8") as f:
        for line in f:
            w = line.strip()
            if len(w) >= 3 and w.isalpha() and w.islower() and w.isascii():
                words.add(w)
    return sorted(w for w in words if not any(b in words for b in bases(w)))


def title(name):
    return name[:1].upper() + name[1:].lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moby", nargs=2, required=True)
    ap.add_argument("--ssa", required=True)
    ap.add_argument("--words", required=True)
    ap.add_argument("--common-words", required=True)
    ap.add_argument("--zones", required=True)
    ap.add_argument("--out", default=".")
    args = ap.parse_args()

    births = ssa(args.ssa)
    names = {}
    for path in args.moby:
        for n in moby(path):
            names[n.lower()] = title(n)
    for n, b in births.items():
        if b >= SSA_MIN_BIRTHS:
            names.setdefault(n, title(n))
    words = english_words(args.words)
    terms = {t.lower() for t in TERMS}
    where = places(args.zones)

    with open(os.path.join(args.out, "given.txt"), "w", encoding="utf-8") as out:
        out.write("# Given names for internal/lexicon: one a line, a tab and a class after some.\n")
        out.write("# t: also a term a bio capitalises (June, German, Julia, Azure);\n")
        out.write("# p: also a place (Austin, Victoria);\n")
        out.write("# c: also an English word, and a common name (Will, Grant, Rose);\n")
        out.write("# w: also an English word, and a rare name (Shell, Baker).\n")
        out.write("# Generated by generate.py from public-domain lists; see README.md. Do not edit.\n")
        for key in sorted(names):
            if len(key) < 2 or key in NOT_NAMES:
                continue
            cls = ""
            if key in terms:
                cls = "\tt"
            elif key in where:
                cls = "\tp"
            elif key in words and births.get(key, 0) >= COMMON_NAME_BIRTHS:
                cls = "\tc"
            elif key in words:
                cls = "\tw"
            out.write(names[key] + cls + "\n")

    with open(os.path.join(args.out, "words.txt"), "w", encoding="utf-8") as out:
        out.write("# English base words and place names for internal/lexicon, lower case, sorted.\n")
        out.write("# Generated by generate.py from SCOWL and tzdata; see README.md. Do not edit.\n")
        for w in common_words(args.common_words, where | terms):
            out.write(w + "\n")


if __name__ == "__main__":
    main()
