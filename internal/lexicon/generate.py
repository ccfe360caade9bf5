#!/usr/bin/env python3
"""Writes given.txt and words.txt, the lists that internal/lexicon embeds.

Usage (see README.md for where each input comes from):

    python3 generate.py \
        --moby  FEMALE_NAMES_TXT MALE_NAMES_TXT \
        --ssa   US_NAME_DATA_SQLITE \
        --faker FAKER_FIRST_NAMES_JSON \
        --words /usr/share/dict/american-english \
        --common-words /usr/share/dict/american-english-small \
        --zones /usr/share/zoneinfo \
        --out .

Only the Python standard library is used. The output is sorted and stable,
so running it again on the same inputs gives the same file.

With --keep GIVEN_TXT instead of --moby and --ssa, the names and classes
of an existing given.txt stand for those two (136 MB of downloads): the
faker and EXTRA_NAMES names are added to them as a full run would add them.
"""
import argparse
import json
import unicodedata
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
McKinsey Forbes Kaiser Nike Zara Miro Canva Notion Asana Figma Loom Okta Twilio Zendesk Datadog Audi Itil Hilton Hyatt Ola Pandora Warner Macy Lowe Erasmus Effie Clio Marriott
Chanel Cartier Kellogg Heinz Hershey Wrigley Carnegie Rockefeller Kellogg Wharton Emory Duke Rice Tufts
""".split()

# Names the list must not hold at all. Keep each with a reason.
NOT_NAMES = set()

# Given names of cultures that neither the US lists nor faker's locales
# write in the Latin script: Igbo, Yoruba and Hausa, Hindi and Tamil,
# Chinese in pinyin, Korean and Japanese in romanisation, Arabic and
# Turkish. Chosen by hand from common names; this repository's.
EXTRA_NAMES = """
Chidinma Chidi Chiamaka Chioma Chinonso Chukwuemeka Emeka Ngozi Nkechi Obinna Uchenna Ifeoma Ikenna Kelechi
Nnamdi Adaeze Amaka Chiugo Ebuka Ugochi Oluwaseun Seun Tunde Babatunde Kehinde Taiwo Yetunde Funmilayo Folake
Adebayo Ayodele Temitope Damilola Olamide Abubakar Aminu Hauwa Zainab Musa Usman Ibrahim Halima
Sunil Anil Rajesh Ramesh Suresh Mahesh Ganesh Dinesh Rakesh Mukesh Naresh Sanjay Vijay Ajay Amit Sumit Rohit
Mohit Ankit Vikram Vivek Deepak Pradeep Sandeep Kuldeep Manoj Pankaj Neeraj Anupam Gaurav Saurabh Sachin Rahul
Priyanka Deepika Anjali Pooja Sneha Kavya Lakshmi Meenakshi Shalini Sunita Anita Kavita Savita Geeta Seema
Karthik Arjun Senthil Murugan Lakshman Venkat Srinivas Subramanian Balaji Saravanan Divya Revathi Kamala
Wei Jing Ming Hui Yan Jun Ying Xin Lei Hao Fang Tao Jie Qiang Hong Xiaoming Xiuying Xiaoyan Yifan Zihan Yuxuan
Haoran Zhiwei Jianhua Guoqiang Weiwei Lili Jingjing Xiaohong Xiaoli Yang Bo Chao Peng Bin Gang Kai Long Rui
Minjun Seojun Jiho Jiwoo Seoyeon Jiyeon Minseo Hyunwoo Dongyun Sungmin Eunji Soyeon Jisoo Hyejin Youngho
Hiroshi Takeshi Kenji Haruto Yuto Sota Riku Daiki Yuki Sakura Yui Aoi Haruka Misaki Naoko Keiko Yoko Akiko
Mohammed Muhammad Ahmed Mahmoud Mustafa Khalid Tariq Omar Youssef Yousef Fatima Aisha Layla Noor Mariam Salma
Ayşe Fatma Emine Hatice Zeynep Elif Mehmet Ahmet Mustafa Hüseyin Hasan Murat Emre Burak Cem Can Oğuz
""".split()


def faker_names(path):
    """Yields the first names of the faker locales written in the Latin
    script (faker_names.mjs writes the JSON)."""
    with open(path, encoding="utf-8") as f:
        locales = json.load(f)
    for names in locales.values():
        for n in names:
            if len(n) >= 2 and all(c.isalpha() and "LATIN" in unicodedata.name(c, "") for c in n):
                yield n


def kept(path):
    """Returns the names and classes of an existing given.txt."""
    names, classes = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, _, cls = line.partition("\t")
            names[name.lower()] = name
            classes[name.lower()] = cls
    return names, classes


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


def fold(s):
    """Returns s without diacritics, as internal/lexicon reads names."""
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def title(name):
    return name[:1].upper() + name[1:].lower()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--moby", nargs=2)
    ap.add_argument("--ssa")
    ap.add_argument("--keep")
    ap.add_argument("--faker", required=True)
    ap.add_argument("--words", required=True)
    ap.add_argument("--common-words", required=True)
    ap.add_argument("--zones", required=True)
    ap.add_argument("--out", default=".")
    args = ap.parse_args()

    names, classes, births = {}, {}, {}
    if args.keep:
        names, classes = kept(args.keep)
    else:
        if not args.moby or not args.ssa:
            ap.error("--moby and --ssa, or --keep, are required")
        births = ssa(args.ssa)
        for path in args.moby:
            for n in moby(path):
                names[n.lower()] = title(n)
        for n, b in births.items():
            if b >= SSA_MIN_BIRTHS:
                names.setdefault(n, title(n))
    for n in list(faker_names(args.faker)) + EXTRA_NAMES:
        names.setdefault(n.lower(), title(n))
    words = english_words(args.words)
    terms = {t.lower() for t in TERMS}
    where = places(args.zones)

    with open(os.path.join(args.out, "given.txt"), "w", encoding="utf-8") as out:
        out.write("# Given names for internal/lexicon: one a line, a tab and a class after some.\n")
        out.write("# t: also a term a bio capitalises (June, German, Julia, Azure);\n")
        out.write("# p: also a place (Austin, Victoria);\n")
        out.write("# c: also an English word, and a common name (Will, Grant, Rose);\n")
        out.write("# w: also an English word, and a rare name (Shell, Baker).\n")
        out.write("# Generated by generate.py from public-domain and MIT-licensed lists; see README.md. Do not edit.\n")
        for key in sorted(names):
            if len(key) < 2 or key in NOT_NAMES:
                continue
            # internal/lexicon reads names without diacritics: "Fortuné"
            # is the word "fortune" as much as "Fortune" would be.
            cls, bare = "", fold(key)
            if bare in terms:
                cls = "\tt"
            elif bare in where:
                cls = "\tp"
            elif key in classes and classes[key] in ("", "c", "w"):
                cls = "\t" + classes[key] if classes[key] else ""
            elif bare in words and births.get(key, 0) >= COMMON_NAME_BIRTHS:
                cls = "\tc"
            elif bare in words:
                cls = "\tw"
            out.write(names[key] + cls + "\n")

    with open(os.path.join(args.out, "words.txt"), "w", encoding="utf-8") as out:
        out.write("# English base words and place names for internal/lexicon, lower case, sorted.\n")
        out.write("# Generated by generate.py from SCOWL and tzdata; see README.md. Do not edit.\n")
        for w in common_words(args.common_words, where | terms):
            out.write(w + "\n")


if __name__ == "__main__":
    main()
