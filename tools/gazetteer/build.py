#!/usr/bin/python3
"""Build onoma's bundled gazetteer (tables/names/gen/*.tsv).

    /usr/bin/python3 tools/gazetteer/build.py --mirror /work/.mirror \
        --out tables/names/gen

Inputs (read-only; nothing from them is committed except the derived tables):
  * dr5hn/countries-states-cities-database (ODbL-1.0) at DR5HN_COMMIT:
    countries, states/provinces and cities with Wikidata ids and names in
    19 languages.
  * mledoze/countries (ODbL-1.0) at MLEDOZE_COMMIT: country common and
    official names in ~25 languages.
  * tools/gazetteer/curated/*.tsv: hand-curated people, organisations and
    places (this project's own work, CC0-1.0); they override imported
    records with the same id and are never lost on a rebuild.
  * tables/names/*.tsv: the lead's hand-written tables (core.tsv, ...):
    entities whose id is there are skipped, and their keys are never claimed.
  * /usr/share/dict/words (Debian wamerican, SCOWL licence): common English
    words, used to mark single-word variants as guarded (`~`).

Both mirrors are git directories as `fetch` leaves them
(MIRROR/owner+name/repo); files are read with `git show COMMIT:path`, so the
output does not depend on what else the mirror holds.  Output is
deterministic: records sorted by id, files split by type and initial letter
and kept under 2 MB each.
"""

import argparse
import collections
import csv
import difflib
import glob
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fold import fold, script_of  # noqa: E402
from tablefmt import Record, read_table, format_record  # noqa: E402

DR5HN = "dr5hn+countries-states-cities-database"
DR5HN_REPO = "dr5hn/countries-states-cities-database"
DR5HN_COMMIT = "7fda0afd3e75391d9480c22ed3a2b91f50e08eb6"
DR5HN_DATE = "2026-08-08"
MLEDOZE = "mledoze+countries"
MLEDOZE_REPO = "mledoze/countries"
MLEDOZE_COMMIT = "5e9f370050f83ad2ba4cb885f75d66114badf72c"
MLEDOZE_DATE = "2026-04-27"

# EveryPolitician's data as of 2015-11-30, in a fork that keeps it at a size
# a snapshot can hold (the upstream repository is 2.5 GB).  Only the files
# its Wikidata scraper wrote are read: Wikidata labels, CC0.
EP = "tijmenb+everypolitician-data"
EP_REPO = "tijmenb/everypolitician-data"
EP_COMMIT = "0642e77ac8a13bcd8017b245825c3aba349d3e6a"
EP_DATE = "2015-11-30"
EP_LANGS = ("ar", "fa", "ur", "ps", "ru", "uk", "el", "he", "tr", "az",
            "de", "fr", "es", "it", "nl", "pl", "pt", "sv", "nb", "da", "fi",
            "cs", "sk", "hr", "sl", "ro", "hu", "et", "lv", "lt", "id", "ms",
            "ca", "en-gb", "en-ca")

# Who's On First admin repositories of the region (whosonfirst-data/
# whosonfirst-data-admin-XX), CC-BY-4.0 with its sources' licences
# (GeoNames CC-BY, Natural Earth PD, Wikidata CC0, ...).  The Russian one
# has too many files for a snapshot.
WOF_REPOS = {
    "AF": ("948432c281d6d8b4d3994ce3b938e82b775d9078", "2024-03-04"),
    "EG": ("1bfae0f011094394edfd630cad033f785191ef81", "2024-03-06"),
    "GR": ("b6613ee7c27c467e847bdc5a9b8d192d4e2ae411", "2024-03-06"),
    "IL": ("f166490c04538042772500bf353d96a479922255", "2024-03-06"),
    "IQ": ("4c7a00f6387bcab9094ac10c9448177515f1098f", "2024-03-05"),
    "IR": ("3374f3dc7f5fa134d1494a066006167db5c67c14", "2025-03-16"),
    "JO": ("2dabf8d9dd3958932242c13b6d39af0ca5ca4205", "2024-03-05"),
    "LB": ("b881be3020bdd8ab2f270aaa8e5b07dbff918d00", "2024-03-05"),
    "PK": ("c2e513fafbf0def04ca4b89c421a5b79fa0bb2ec", "2024-03-06"),
    "PS": ("33d507dae70d3cb868d19d6c49c4586b1d1d66a5", "2024-03-05"),
    "SA": ("ca29d90501586ece8c861ce520842669adcea3d5", "2024-03-08"),
    "SY": ("2db0f03b9f9d24bd371f318759d3e56c816c333e", "2024-03-05"),
    "TR": ("378ddbd68b0d150e6a0c1d7b41008e7457157b4b", "2024-03-05"),
    "UA": ("18b5ee31d6cd4915e627fbf7f3def46e66e440d5", "2025-01-20"),
    "YE": ("a96a8df62981ed0e1b2a0be278dd33670a4e6605", "2024-03-05"),
}
# WOF name languages kept: 'und' holds GeoNames' alternate names (mostly
# transliterations); Kurdish and Azerbaijani are written in Latin script.
WOF_LANGS = {"und", "eng", "ara", "fas", "urd", "pus", "ckb", "kur", "rus",
             "ukr", "ell", "heb", "tur", "aze", "deu", "fra", "ita", "spa",
             "nld", "pol", "por", "hrv", "ces", "swe", "hun", "ron", "fin"}

SRC_TEXT = {
    "dr5hn": ("%s@%s (%s), countries/states/cities with Wikidata ids"
              % (DR5HN_REPO, DR5HN_COMMIT, DR5HN_DATE), "ODbL-1.0"),
    "mledoze": ("%s@%s (%s), country names"
                % (MLEDOZE_REPO, MLEDOZE_COMMIT, MLEDOZE_DATE), "ODbL-1.0"),
    "curated": ("onoma hand-curated tools/gazetteer/curated/*.tsv", "CC0-1.0"),
    "ep": ("%s@%s (%s), Wikidata labels of legislators and parties "
           "(EveryPolitician's Wikidata extracts)" % (EP_REPO, EP_COMMIT,
                                                      EP_DATE), "CC0-1.0"),
}
for _cc, (_c, _d) in WOF_REPOS.items():
    SRC_TEXT["wof-" + _cc] = (
        "whosonfirst-data/whosonfirst-data-admin-%s@%s (%s), Who's On First "
        "place names (with GeoNames alternate names)" % (_cc.lower(), _c, _d),
        "CC-BY-4.0")

# Languages of dr5hn translations kept as variants.  Native scripts of the
# region, plus Latin-script languages whose exonyms are spelling variants
# ("Bagdad", "Kiew", "Charkiw").  CJK, Hangul and Devanagari labels are
# mostly machine-made in this source and out of scope: dropped.
DR5HN_LANGS = ("ar", "fa", "ru", "uk", "tr", "de", "es", "fr", "it", "nl",
               "pl", "pt", "pt-BR", "hr")
MLEDOZE_LANGS = ("ara", "per", "urd", "rus", "tur", "deu", "fra", "ita",
                 "spa", "nld", "pol", "por", "hrv", "ces", "slk", "hun",
                 "srp", "swe", "fin", "est")
KEEP_SCRIPTS = ("Latin", "Arabic", "Cyrillic", "Greek", "Hebrew")

# Countries whose cities are all imported (the region of the issue); other
# countries contribute cities of at least WORLD_MIN_POP inhabitants.
REGION = set("""IQ IR SY LB IL PS JO SA YE OM AE QA BH KW EG LY TN DZ MA SD SS
TR CY GR AF PK IN BD LK NP TJ UZ TM KG KZ AZ AM GE RU UA BY MD RS BA HR ME MK
AL XK BG RO SO ER DJ ET MR""".split())
WORLD_MIN_POP = 0

# Words that are common in English running text but absent from the
# wamerican list, or common particles of other languages that appear in
# Latin-script text ("Ain", "Bin").
EXTRA_COMMON = set("""monday tuesday wednesday thursday friday saturday sunday
january february march april may june july august september october november
december english american british european christmas easter god ain bin ibn abu umm bint dar deir tal tel wadi jebel jabal
bab bay ras sidi beit bet kafr kfar nahr ain't el al la le les los las das der
die des del della dei van von ten ter den het een une und und the""".split())

# The most frequent English words.  A guard (~) does not protect them where
# a capitalised word follows ("As Iran prepares..." would become "Aš Iran"):
# generated variants with these keys are dropped, and so is a generated
# entity whose one-word name folds to one of them but is spelled otherwise
# (Aš, the Czech town, folds to "as").
FREQUENT = set("""a about after again all also am an and any are as at back be
because been before being but by can could day did do does down each even
first for from get go good had has have he her here him his how i if in into
is it its just know like made make man many may me men more most much must my
new no not now of off on one only or other our out over said same say see she
should so some still such than that the their them then there these they this
those through to too two under up upon us use very was way we well were what
when where which while who why will with would year yet you your""".split())

PRIO = {"core": 100, "curated": 90, "country": 50, "official": 45,
        "state": 40, "person": 35, "city": 30, "village": 5}


class Stats:
    def __init__(self):
        self.c = collections.Counter()

    def add(self, key, n=1):
        self.c[key] += n


ST = Stats()


def git_show(repo_dir, commit, path):
    try:
        return subprocess.run(["git", "-C", repo_dir, "show",
                               "%s:%s" % (commit, path)],
                              check=True, capture_output=True).stdout
    except subprocess.CalledProcessError:
        return None


def git_ls(repo_dir, commit, path):
    out = subprocess.run(["git", "-C", repo_dir, "ls-tree", "--name-only",
                          "-r", commit, path], check=True,
                         capture_output=True, text=True).stdout
    return [p for p in out.split("\n") if p]


def repo_dir(mirror, name):
    d = os.path.join(mirror, name, "repo")
    if os.path.isdir(os.path.join(d, ".git")):
        return os.path.join(d, ".git")
    return d


# Double quotes and double primes written for the Ukrainian apostrophe
# (Kam”yanka): an apostrophe, which the fold knows.
_QUOTES = dict.fromkeys(map(ord, "\u201c\u201d\u201e\u02ba\u02dd\u2033"), "'")


def clean_form(s):
    if s is None:
        return None
    s = " ".join(str(s).replace("\t", " ").replace("|", " ").split())
    s = s.translate(_QUOTES)
    if not s:
        return None
    if not (s[0].isalnum() and s[-1].isalnum()):
        s = s.strip(" .,;:()[]{}'\"-\u2019\u2018")
        if not s or not (s[0].isalnum() and s[-1].isalnum()):
            return None
    if any(ord(ch) < 32 for ch in s):
        return None
    return s


def clean_canonical(s):
    """Canonical form: no qualifier in parentheses, no leading or trailing
    ayn/hamza marks or apostrophes (forms must begin and end with a letter
    or digit), single spaces."""
    if s is None:
        return None
    s = " ".join(str(s).replace("\t", " ").replace("|", " ").split())
    s = s.translate(_QUOTES)
    while s.endswith(")") and " (" in s:
        s = s[:s.rindex(" (")].rstrip()
    s = s.strip(" .,;:'\"-\u2019\u2018\u02bf\u02be`\u00b4")
    if not s or not (s[0].isalnum() and s[-1].isalnum()):
        return None
    if lower_case_label(s):  # "independent politician": not a name
        return None
    return s


_CYR = dict(zip("абвгґдеёєжзиіїйклмнопрстуфхцчшщъыьэюяў",
                ["a", "b", "v", "g", "g", "d", "e", "e", "e", "zh", "z", "i",
                 "i", "i", "i", "k", "l", "m", "n", "o", "p", "r", "s", "t",
                 "u", "f", "kh", "ts", "ch", "sh", "sh", "", "y", "", "e",
                 "yu", "ya", "u"]))
_GRK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω",
                ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m",
                 "n", "x", "o", "p", "r", "s", "s", "t", "i", "f", "ch", "ps",
                 "o"]))
# Arabic letters to a rough Latin consonant class; vowels are not written.
_ARB = {}
for _cls, _letters in (("b", "بپ"), ("t", "تطة"), ("s", "ثسصش"),
                       ("j", "جچژ"), ("h", "حهخ"), ("d", "دذضظ"),
                       ("r", "ر"), ("z", "زذظ"), ("k", "كکقگغ"),
                       ("f", "فڤ"), ("l", "ل"), ("m", "م"), ("n", "ن"),
                       ("w", "و"), ("y", "يیى")):
    for _ch in _letters:
        _ARB[_ch] = _cls
_LAT_CLS = {"b": "b", "p": "b", "t": "t", "s": "s", "c": "k", "j": "j",
            "g": "k", "h": "h", "d": "d", "r": "r", "z": "z", "k": "k",
            "q": "k", "f": "f", "v": "w", "w": "w", "l": "l", "m": "m",
            "n": "n", "y": "y", "x": "k"}


def roman(form):
    """Rough romanization of a Cyrillic or Greek form, for plausibility."""
    k = fold(form)
    return "".join(_CYR.get(ch, _GRK.get(ch, ch)) for ch in k)


def skeleton_ar(form):
    k = fold(form)
    if k.startswith("ال"):
        k = k[2:]
    return "".join(_ARB.get(ch, "") for ch in k)


def skeleton_lat(form):
    k = fold(form)
    for art in ("al ", "el ", "ar ", "as ", "ad ", "an ", "at ", "az "):
        if k.startswith(art):
            k = k[len(art):]
    out = []
    for ch in k.replace("sh", "s").replace("kh", "h").replace("gh", "k") \
               .replace("th", "t").replace("dh", "d"):
        c = _LAT_CLS.get(ch)
        if c and (not out or out[-1] != c):
            out.append(c)
    return "".join(out)


def plausible(form, canonical):
    """Is a native-script label a rendering of the canonical name, rather
    than a translation of its words ("Шина", "tyre", for Tyre)?"""
    sc = script_of(form)
    if len(fold(form).split()) > len(fold(canonical).split()) + 2:
        return False
    if sc in ("Cyrillic", "Greek"):
        return difflib.SequenceMatcher(None, roman(form),
                                       fold(canonical)).ratio() >= 0.4
    if sc == "Arabic":
        a = skeleton_ar(form)
        b = skeleton_lat(canonical)
        if not a or not b:
            return True
        return difflib.SequenceMatcher(None, a, b).ratio() >= 0.34
    return True


def similar(a, b):
    return difflib.SequenceMatcher(None, fold(a), fold(b)).ratio()


# A Latin-script name begins with a capital, but for name particles
# (al-Muhandis, ibn Sina, van Gogh, 's-Hertogenbosch) and prefixed
# capitals (uMgungundlovu). A label in lower case otherwise is a common noun
# or a translation ("provincia di X", "queso Cheddar", "independent
# politician"), and would match ordinary words in running text.
LOWER_NAME_OK = re.compile(
    r"^(?:(?:al|el|ad|ag|ak|an|ar|as|ash|at|ath|az|ud|ul|ur|us)[-\u2010 ']"
    r"|(?:ibn|bin|bint|ben|abu|abd|de|di|da|del|della|dei|des|du|van|von|der|den|ter|le|la|les|lo|y) "
    r"|'[st][- ]|[a-z]{1,2}[A-Z])")


def lower_case_label(form):
    """A Latin label whose first cased letter is lower case and that does not
    begin with a name particle."""
    for ch in form:
        if ch.isupper() or ch.istitle():
            return False
        if ch.islower():
            return not LOWER_NAME_OK.match(form)
    return False


def accept_variant(rec, form, why):
    """Filter a candidate variant; returns the cleaned form or None."""
    if not form:
        return None
    form = clean_form(form)
    if form is None or rec.canonical is None:
        ST.add("dropped: empty or not starting/ending with a letter/digit")
        return None
    key = fold(form)
    if len(key.replace(" ", "")) < 3:
        ST.add("dropped: one or two letters")
        return None
    if key.replace(" ", "").isdigit():
        ST.add("dropped: number")
        return None
    sc = script_of(form)
    if sc is None or sc == "Mixed":
        ST.add("dropped: mixed or no script (machine-made label)")
        return None
    if sc not in KEEP_SCRIPTS:
        ST.add("dropped: script out of scope (%s)" % sc)
        return None
    if sc == "Latin" and why != "curated" and lower_case_label(form):
        ST.add("dropped: Latin label in lower case (a common noun or a translation)")
        return None
    # Country names come from human-edited sources and their endonyms are
    # legitimately unlike the English name (Misr, Ellada): not filtered.
    trusted = why == "curated" or rec.prio >= PRIO["official"]
    if sc != "Latin" and not trusted and not plausible(form,
                                                          rec.canonical):
        ST.add("dropped: %s label is a translation, not the name" % sc)
        return None
    if sc == "Latin" and not trusted:
        # A Latin-script label far from the English name is a translation
        # ("Nizza" for Nice is fine, "Provincia di X" is not a spelling).
        if similar(form, rec.canonical) < 0.5:
            ST.add("dropped: Latin label is a translation, not a spelling")
            return None
    return form


def add_variant(rec, form, why):
    form = accept_variant(rec, form, why)
    if form is None:
        return
    key = fold(form)
    if key == fold(rec.canonical):
        return
    for v in rec.variants:
        if fold(v[0]) == key:
            return
    rec.variants.append([form, ""])


def set_coords(r, lat, lon, cc):
    try:
        r.lat, r.lon = float(lat), float(lon)
    except (TypeError, ValueError):
        r.lat = r.lon = None
    r.cc = cc


def load_words(path):
    """Common words (lowercase entries of the word list, plus EXTRA_COMMON)
    and English proper nouns (its capitalised entries: Latin, Islam,
    Versailles, Obama)."""
    words = set(EXTRA_COMMON)
    propers = set()
    if path and os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            for w in f:
                w = w.strip()
                if not w or "'" in w:
                    continue
                (words if w == w.lower() else propers).add(fold(w))
    return words, propers - words


# ---------------------------------------------------------------- importers

def import_dr5hn(mirror, recs):
    rd = repo_dir(mirror, DR5HN)
    blob = git_show(rd, DR5HN_COMMIT, "contributions/countries/countries.json")
    countries = json.loads(blob)
    iso2_qid = {}
    for c in countries:
        qid = c.get("wikiDataId")
        if not qid:
            ST.add("skipped: dr5hn record without Wikidata id")
            continue
        r = Record(qid, "place", clean_canonical(c["name"]), origin="dr5hn", prio=PRIO["country"],
                   pop=int(c.get("population") or 0), src={"dr5hn"})
        add_variant(r, c.get("native"), "native")
        for lang in DR5HN_LANGS:
            add_variant(r, (c.get("translations") or {}).get(lang), lang)
        if r.canonical is None:
            ST.add("skipped: name unusable as a canonical form")
            continue
        recs[qid] = r
        iso2_qid[c["iso2"]] = qid

    # States: only the SQLite export is small enough for the snapshot.
    blob = git_show(rd, DR5HN_COMMIT, "sqlite/states.sqlite3")
    with tempfile.NamedTemporaryFile(suffix=".sqlite3") as tmp:
        tmp.write(blob)
        tmp.flush()
        db = sqlite3.connect(tmp.name)
        rows = db.execute("select name, native, translations, wikiDataId, "
                          "country_code, population, latitude, longitude "
                          "from states order by id").fetchall()
        db.close()
    for name, native, tr, qid, cc, pop, lat, lon in rows:
        if not qid:
            ST.add("skipped: dr5hn record without Wikidata id")
            continue
        if qid in recs:
            ST.add("skipped: dr5hn duplicate Wikidata id")
            continue
        r = Record(qid, "place", clean_canonical(name), origin="dr5hn", prio=PRIO["state"],
                   pop=int(pop or 0), src={"dr5hn"})
        set_coords(r, lat, lon, cc)
        add_variant(r, native, "native")
        tr = json.loads(tr) if tr else {}
        for lang in DR5HN_LANGS:
            add_variant(r, tr.get(lang), lang)
        if r.canonical is None:
            ST.add("skipped: name unusable as a canonical form")
            continue
        recs[qid] = r

    paths = git_ls(rd, DR5HN_COMMIT, "contributions/cities")
    missing = []
    for p in sorted(paths):
        cc = os.path.basename(p)[:2]
        blob = git_show(rd, DR5HN_COMMIT, p)
        if blob is None:
            missing.append(cc)
            continue
        try:
            cities = json.loads(blob)
        except ValueError:
            missing.append(cc)
            continue
        for c in cities:
            qid = c.get("wikiDataId")
            if not qid:
                ST.add("skipped: dr5hn record without Wikidata id")
                continue
            pop = int(c.get("population") or 0)
            if cc not in REGION and pop < WORLD_MIN_POP:
                ST.add("skipped: city outside the region, < %d inhabitants"
                       % WORLD_MIN_POP)
                continue
            if qid in recs:
                ST.add("skipped: dr5hn duplicate Wikidata id")
                continue
            r = Record(qid, "place", clean_canonical(c["name"]), origin="dr5hn",
                       prio=PRIO["city"], pop=pop, src={"dr5hn"})
            set_coords(r, c.get("latitude"), c.get("longitude"), cc)
            # The cities' `native` field is machine-made ("Scommen" for
            # Sitrah): not used.  Their translations are mostly sound.
            if r.canonical is None:
                ST.add("skipped: name unusable as a canonical form")
                continue
            for lang in DR5HN_LANGS:
                add_variant(r, (c.get("translations") or {}).get(lang), lang)
            recs[qid] = r
    ST.missing_city_files = missing
    return iso2_qid


def import_mledoze(mirror, recs, iso2_qid):
    rd = repo_dir(mirror, MLEDOZE)
    data = json.loads(git_show(rd, MLEDOZE_COMMIT, "countries.json"))
    for c in data:
        qid = iso2_qid.get(c["cca2"])
        if not qid or qid not in recs:
            ST.add("skipped: mledoze country not matched to a Wikidata id")
            continue
        r = recs[qid]
        r.src.add("mledoze")
        common = clean_canonical(c["name"]["common"])
        # mledoze's common English name is the English Wikipedia title more
        # often than dr5hn's ("Ivory Coast", "North Macedonia"...).
        if fold(common) != fold(r.canonical):
            r.variants.insert(0, [r.canonical, ""])
            r.canonical = common
        for nat in c["name"].get("native", {}).values():
            add_variant(r, nat.get("common"), "native")
        for lang in MLEDOZE_LANGS:
            t = c.get("translations", {}).get(lang)
            if t:
                add_variant(r, t.get("common"), lang)
        # The official name is another name, not a spelling: own record.
        off = clean_canonical(c["name"].get("official"))
        if off and fold(off) != fold(common):
            o = Record(qid + "/official", "place", off, origin="mledoze",
                       prio=PRIO["official"], src={"mledoze"})
            for nat in c["name"].get("native", {}).values():
                add_variant(o, nat.get("official"), "curated")
            for lang in MLEDOZE_LANGS:
                t = c.get("translations", {}).get(lang)
                if t and script_of(t.get("official") or "") != "Latin":
                    add_variant(o, t.get("official"), lang)
            recs[o.id] = o
        for alt in c.get("altSpellings", []):
            # altSpellings mix codes, official names and real variants.
            if len(alt) > 3 and similar(alt, common) >= 0.75:
                add_variant(r, alt, "alt")


# ------------------------------------------------- EveryPolitician (Wikidata)

def ep_clean(form):
    """A Wikidata label as EveryPolitician stored it: drop a qualifier in
    parentheses; inverted forms ("Мосаддык, Мохаммед") are not spellings."""
    if not form or "," in form:
        return None
    return clean_canonical(form)


def import_ep(mirror, recs):
    """People (and parties) of national legislatures with their Wikidata
    labels, from EveryPolitician's Wikidata extracts (data/*/*/sources/morph/
    wikidata.csv and the parties of ep-popolo-v1.0.json).  Only Wikidata's
    own labels are read (CC0): never the fields scraped from parliaments."""
    rd = repo_dir(mirror, EP)
    csv.field_size_limit(1 << 30)
    paths = [p for p in git_ls(rd, EP_COMMIT, "data")
             if p.endswith("/sources/morph/wikidata.csv")]
    people = {}
    for p in sorted(paths):
        blob = git_show(rd, EP_COMMIT, p)
        if blob is None:
            continue
        for row in csv.DictReader(io.StringIO(blob.decode("utf-8"))):
            qid = (row.get("id") or "").strip()
            if not (qid.startswith("Q") and qid[1:].isdigit()):
                ST.add("skipped: EveryPolitician row without Wikidata id")
                continue
            title = ep_clean((row.get("wikipedia__en") or "").replace("_", " "))
            canon = title or ep_clean(row.get("name__en"))
            if not canon or script_of(canon) != "Latin":
                ST.add("skipped: EveryPolitician person without English label")
                continue
            r = people.get(qid)
            if r is None:
                r = Record(qid, "person", canon, origin="ep",
                           prio=PRIO["person"], src={"ep"})
                r.cc = p.split("/")[1]
                people[qid] = r
            for lang in EP_LANGS:
                add_variant(r, ep_clean(row.get("name__" + lang)), lang)
            add_variant(r, ep_clean(row.get("name__en")), "en")
    n = 0
    for qid, r in people.items():
        if qid in recs:
            ST.add("skipped: EveryPolitician id already imported")
            continue
        recs[qid] = r
        n += 1
    ST.add("EveryPolitician people imported", n)

    # Parties: the multilingual names of ep-popolo organisations are
    # Wikidata labels ("note": "multilingual").
    norg = 0
    for p in sorted(git_ls(rd, EP_COMMIT, "data")):
        if not p.endswith("/ep-popolo-v1.0.json"):
            continue
        blob = git_show(rd, EP_COMMIT, p)
        try:
            d = json.loads(blob) if blob else {}
        except ValueError:
            continue
        for o in d.get("organizations", []):
            if o.get("classification") != "party":
                continue
            qids = [i.get("identifier") for i in o.get("identifiers", [])
                    if i.get("scheme") == "wikidata"]
            if not qids or not qids[0] or qids[0] in recs:
                continue
            names = {}
            for on in o.get("other_names", []):
                if on.get("note") == "multilingual" and on.get("lang"):
                    names.setdefault(on["lang"], on.get("name"))
            canon = ep_clean(names.get("en"))
            if not canon or script_of(canon) != "Latin":
                continue
            r = Record(qids[0], "org", canon, origin="ep",
                       prio=PRIO["person"], src={"ep"})
            for lang in EP_LANGS:
                add_variant(r, ep_clean(names.get(lang)), lang)
            recs[r.id] = r
            norg += 1
    ST.add("EveryPolitician parties imported", norg)


# ------------------------------------------------------------ Who's On First

def wof_blobs(rd, commit):
    """Yield the properties of every current WOF record of a repository."""
    ls = subprocess.run(["git", "-C", rd, "ls-tree", "-r", commit],
                        check=True, capture_output=True, text=True).stdout
    shas = [line.split()[2] for line in ls.split("\n")
            if line.endswith(".geojson") and " blob " in line]
    proc = subprocess.Popen(["git", "-C", rd, "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    out = proc.communicate(("\n".join(shas) + "\n").encode())[0]
    pos = 0
    while pos < len(out):
        nl = out.index(b"\n", pos)
        head = out[pos:nl].split()
        if len(head) < 3 or head[1] != b"blob":
            pos = nl + 1
            continue
        size = int(head[2])
        data = out[nl + 1:nl + 1 + size]
        pos = nl + 1 + size + 1
        try:
            yield json.loads(data)["properties"]
        except (ValueError, KeyError):
            ST.add("skipped: WOF record unreadable")


_ART = ("al ", "el ", "an ", "ar ", "as ", "ash ", "ad ", "at ", "az ",
        "ul ", "ol ")


def place_key(form):
    """Loose key for matching one place across sources: folded, without
    an Arabic article, spaces, hyphens or apostrophes."""
    k = fold(form)
    for a in _ART:
        if k.startswith(a):
            k = k[len(a):]
            break
    return k.replace(" ", "").replace("'", "")


WOF_TYPES = {"country": "country", "region": "state", "macroregion": "state",
             "county": "state", "macrocounty": "state", "localadmin": "city",
             "locality": "city", "borough": "city", "neighbourhood": "city",
             "macrohood": "city"}


def wof_names(p):
    out = []
    for k, vs in p.items():
        if not k.startswith("name:") or not isinstance(vs, list):
            continue
        lang, _, kind = k[5:].partition("_x_")
        if kind not in ("preferred", "variant", "colloquial"):
            continue
        if lang not in WOF_LANGS:
            continue
        for v in vs:
            if isinstance(v, str):
                out.append((lang, v))
    return out


def ascii_name(s):
    """GeoNames-style romanized name without diacritics or ayn/hamza marks
    (Ḩoseynābād -> Hoseynabad): the form English text uses for villages."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)
                and ch not in "\u02bb\u02bc\u02bf\u02be'`\u2019\u2018")
    return clean_canonical(s)


def add_village(recs, p, names, cc):
    """A locality without a Wikidata id (mostly from GeoNames): its own
    entity, id wof:N (the Who's On First id), lowest priority."""
    eng = [v for lang, v in names if lang == "eng"]
    canon = ascii_name(eng[0] if eng else p.get("wof:name") or "")
    if not canon or script_of(canon) != "Latin" or "wof:id" not in p:
        ST.add("skipped: WOF village without a usable name")
        return
    r = Record("wof:%d" % int(p["wof:id"]), "place", canon, origin="village",
               prio=PRIO["village"], src={"wof-" + cc},
               pop=int(p.get("wof:population") or p.get("gn:population") or 0))
    set_coords(r, p.get("geom:latitude"), p.get("geom:longitude"), cc)
    for lang, v in names:
        add_variant(r, v, "wof-" + lang)
    if p.get("wof:name"):
        add_variant(r, p["wof:name"], "wof")
    recs[r.id] = r
    ST.add("WOF village (no Wikidata id) added")


def wof_agrees(p, names, canonical):
    """Does a WOF record name the entity its concordance points to?  Some
    concordances are wrong (a village Миколаїв whose English name is "Lviv"
    and whose Wikidata id is Mykolaiv's; Княжа as "FC Lviv")."""
    eng = p.get("name:eng_x_preferred") or []
    if eng and isinstance(eng[0], str) and similar(eng[0], canonical) < 0.6:
        return False
    own = p.get("wof:name") or ""
    sc = script_of(own)
    if sc == "Latin":
        return similar(own, canonical) >= 0.5 or \
            place_key(own) == place_key(canonical)
    if sc in ("Arabic", "Cyrillic", "Greek"):
        return plausible(own, canonical)
    return True


def import_wof(mirror, recs):
    """Who's On First admin data of the region: names in many languages,
    many of them GeoNames alternate names ('und'), for places with a
    Wikidata concordance, or matched to an imported place by coordinates
    and name."""
    grid = collections.defaultdict(list)
    for r in recs.values():
        if r.type == "place" and r.lat is not None and r.cc:
            grid[(r.cc, round(r.lat * 10), round(r.lon * 10))].append(r)
    keys_of = {}

    def rec_keys(r):
        ks = keys_of.get(r.id)
        if ks is None:
            ks = {place_key(r.canonical)} | {place_key(v[0]) for v in r.variants
                                             if script_of(v[0]) == "Latin"}
            keys_of[r.id] = ks
        return ks

    for cc in sorted(WOF_REPOS):
        commit, _date = WOF_REPOS[cc]
        rd = repo_dir(mirror, "whosonfirst-data+whosonfirst-data-admin-"
                      + cc.lower())
        for p in wof_blobs(rd, commit):
            pt = p.get("wof:placetype")
            # countries: dr5hn and mledoze cover them, and WOF's country
            # names include demonyms ("Greek")
            if pt not in WOF_TYPES or pt == "country":
                continue
            if p.get("mz:is_current") == 0 or p.get("wof:superseded_by") \
                    or p.get("edtf:deprecated") not in (None, "", "uuuu"):
                ST.add("skipped: WOF record not current")
                continue
            names = wof_names(p)
            qid = str((p.get("wof:concordances") or {}).get("wd:id") or "")
            r = None
            if qid.startswith("Q"):
                r = recs.get(qid)
                if r is not None and not wof_agrees(p, names, r.canonical):
                    ST.add("skipped: WOF record disagrees with its Wikidata "
                           "id's entity")
                    continue
                if r is None and pt != "country":
                    eng = [v for lang, v in names if lang == "eng"]
                    canon = clean_canonical(eng[0]) if eng else None
                    if not canon or script_of(canon) != "Latin":
                        ST.add("skipped: WOF record without English name")
                        continue
                    if not wof_agrees(p, names, canon):
                        ST.add("skipped: WOF record disagrees with its "
                               "English name")
                        continue
                    # one below the same kind of place from dr5hn, whose
                    # spellings win a tie
                    r = Record(qid, "place", canon, origin="wof",
                               prio=PRIO[WOF_TYPES[pt]] - 1,
                               pop=int(p.get("wof:population") or
                                       p.get("gn:population") or 0),
                               src=set())
                    set_coords(r, p.get("geom:latitude"),
                               p.get("geom:longitude"), cc)
                    recs[qid] = r
                    ST.add("WOF place with a Wikidata id added")
            elif pt in ("locality", "localadmin", "county", "region") and \
                    p.get("geom:latitude") is not None:
                lat, lon = float(p["geom:latitude"]), float(p["geom:longitude"])
                mine = {place_key(v) for lang, v in names
                        if script_of(v) == "Latin"}
                if p.get("wof:name"):
                    mine.add(place_key(p["wof:name"]))
                best = None
                gy, gx = round(lat * 10), round(lon * 10)
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        for c in grid.get((cc, gy + dy, gx + dx), ()):
                            d = abs(c.lat - lat) + abs(c.lon - lon)
                            if d < 0.15 and rec_keys(c) & mine and \
                                    (best is None or d < best[0]):
                                best = (d, c)
                if best is None:
                    if pt == "locality" and names:
                        add_village(recs, p, names, cc)
                    else:
                        ST.add("skipped: WOF place without Wikidata id, "
                               "unmatched")
                    continue
                r = best[1]
                ST.add("WOF place matched to an imported one by position")
            if r is None or r.origin in ("curated", "core"):
                continue
            r.src.add("wof-" + cc)
            for lang, v in names:
                add_variant(r, v, "wof-" + lang)


# ------------------------------------------------ romanized native forms

# Countries whose places' Cyrillic or Greek names are their own (not
# exonyms transcribed from English): their romanizations are the spellings
# found in the press and in gazetteers (Kharkov, Khar'kov, Mykolayiv).
TRANSLIT_CC = {"RU", "UA", "BY", "MD", "KZ", "KG", "TJ", "UZ", "TM", "AZ",
               "AM", "GE", "BG", "GR", "CY", "Bulgaria", "Moldova",
               "Kyrgyzstan", "Abkhazia", "Armenia", "Azerbaijan", "Georgia",
               "Greece", "Northern_Cyprus"}
TRANSLIT_SCHEMES = {
    "ru": ("ru-bgn", "ru-alalc"),
    "uk": ("uk-national", "uk-bgn", "uk-alalc"),
    "be": ("be-bgn",),
    "bg": ("bg-bgn",),
    "el": ("el-bgn", "el-elot743"),
}
_SOFT = dict.fromkeys(map(ord, "'\u2019\u02b9\u02ba\u02bc\u02bf\u02be\""))


def load_translit(root):
    """The project's own romanization rules (tables/translit/*.txt, ICU
    transform syntax) through PyICU (Debian python3-icu)."""
    import icu  # noqa: F401  (python3-icu; required for reproducible output)
    out = {}
    for name in sorted({n for schemes in TRANSLIT_SCHEMES.values()
                        for n in schemes} | set(BGN_SCRIPT)):
        if True:
            path = os.path.join(root, "tables/translit", name + ".txt")
            with open(path, encoding="utf-8") as f:
                rules = f.read()
            out[name] = icu.Transliterator.createFromRules(
                name, rules, icu.UTransDirection.FORWARD)
    return out


def cyrl_lang(form, cc):
    if any(ch in form for ch in "іїєґІЇЄҐ"):
        return "uk"
    if any(ch in form for ch in "ўЎ"):
        return "be"
    if cc in ("BG", "Bulgaria"):
        return "bg"
    return "ru"


def add_translit(recs, tl):
    """Romanize the Cyrillic and Greek names of places and people of the
    countries that write them so; each scheme's output, and the press form
    without soft-sign apostrophes, becomes a variant (after the usual
    filters: a Latin form must resemble the English name)."""
    n0 = sum(len(r.variants) for r in recs.values())
    for r in recs.values():
        if r.origin in ("curated", "core") or r.cc not in TRANSLIT_CC:
            continue
        for form, _ in list(r.variants):
            sc = script_of(form)
            if sc == "Cyrillic":
                lang = cyrl_lang(form, r.cc)
            elif sc == "Greek":
                lang = "el"
            else:
                continue
            for name in TRANSLIT_SCHEMES[lang]:
                lat = tl[name].transliterate(form)
                add_variant(r, lat, "translit")
                add_variant(r, lat.translate(_SOFT), "translit")
    ST.add("romanized variants added (tables/translit schemes)",
           sum(len(r.variants) for r in recs.values()) - n0)


# ------------------------------------------------------------- BGN style

# The language whose BGN/PCGN romanization is a place's (or a legislator's)
# `bgn` form, by country: dr5hn and WOF give ISO codes, EveryPolitician
# country names.  Several schemes: tried in turn (Afghanistan: Dari, Pashto).
BGN_LANGS = {
    "IR": ("fa-bgn",), "AF": ("prs-bgn", "ps-bgn"), "Afghanistan": ("prs-bgn", "ps-bgn"),
    "PK": ("ur-bgn",),
    "RU": ("ru-bgn",), "UA": ("uk-bgn",), "BY": ("be-bgn",),
    "BG": ("bg-bgn",), "Bulgaria": ("bg-bgn",), "GR": ("el-bgn",), "CY": ("el-bgn",),
    "Greece": ("el-bgn",),
    "Jordan": ("ar-bgn",), "Kuwait": ("ar-bgn",), "Lebanon": ("ar-bgn",),
}
for _cc in ("IQ", "SY", "LB", "JO", "PS", "SA", "YE", "OM", "AE", "QA", "BH",
            "KW", "EG", "LY", "TN", "DZ", "MA", "SD", "MR"):
    BGN_LANGS[_cc] = ("ar-bgn",)
BGN_SCRIPT = {"fa-bgn": "Arabic", "prs-bgn": "Arabic", "ps-bgn": "Arabic",
              "ur-bgn": "Arabic", "ar-bgn": "Arabic", "ru-bgn": "Cyrillic",
              "uk-bgn": "Cyrillic", "be-bgn": "Cyrillic", "bg-bgn": "Cyrillic",
              "el-bgn": "Greek"}
_SHORT = dict.fromkeys(map(ord, "aeiou -'\u2019\u02bc\u02bb\u02bf\u02be\u2018`"))
_LONG = str.maketrans({"\u016b": "w", "\u012b": "y", "\u014d": "w", "\u0113": "y"})


def skeleton(form):
    """What an unvowelled script writes of a romanized name: the letters
    without short vowels, separators and ayn/hamza marks, doubled letters
    once; long u and i as the w and y that write them (Mawşil and Mūşl
    agree)."""
    sk = unicodedata.normalize("NFC", form).lower().translate(_LONG).translate(_SHORT)
    # a doubled consonant is one letter with a shadda, seldom written
    return re.sub(r"(.)\1+", r"\1", sk)


def bgn_form(r, scheme, tl):
    """The BGN/PCGN romanization of the record's native form, or None.
    Cyrillic and Greek are written in full, so the scheme's output is the
    form.  Arabic script leaves short vowels out: the scheme gives only a
    skeleton ("Thrān"), so the form is the record's own Latin spelling
    that has that skeleton (GeoNames' alternate names are BGN/PCGN's:
    "Tehrān") — the canonical form first, then a spelling with BGN's
    letters (ā ī ū ş ḩ ...), then a unique plain one; none, no form."""
    script = BGN_SCRIPT[scheme]
    natives = [f for f, _ in r.variants if script_of(f) == script]
    if script == "Cyrillic":
        # the form in the scheme's language: Ukrainian and Belarusian ones
        # show their own letters; a form without them is Russian (or, in
        # Bulgaria, Bulgarian)
        lang = {"uk-bgn": "uk", "be-bgn": "be", "bg-bgn": "bg"}.get(scheme, "ru")
        natives = [f for f in natives if cyrl_lang(f, r.cc) == lang]
    if not natives:
        return None
    if script != "Arabic":
        # of several native labels (Київ, Києв; Αθήνα, Αθηναίων), the one
        # whose romanization reads most like the English name
        outs = [tl[scheme].transliterate(f).strip() for f in natives]
        outs = [o for o in outs if o and script_of(o) == "Latin"]
        return max(outs, key=lambda o: similar(o, r.canonical)) if outs else None
    latin = [r.canonical] + [f for f, _ in r.variants if script_of(f) == "Latin"]
    for nat in natives:
        sk = skeleton(tl[scheme].transliterate(nat))
        if len(sk) < 2:
            continue
        hits = [f for f in latin if skeleton(f) == sk]
        if not hits:
            continue
        if hits[0] is r.canonical:
            return r.canonical
        marked = [f for f in hits if any(ord(ch) > 0x7F for ch in f)]
        if marked:
            return marked[0]
        if len(set(hits)) == 1:
            return hits[0]
    return None


def add_bgn(recs, tl):
    """`bgn` style: see bgn_form. Places and people of the countries of
    BGN_LANGS; curated and hand-written records carry theirs by hand."""
    n = 0
    for r in recs.values():
        if r.origin in ("curated", "core") or r.type not in ("place", "person"):
            continue
        for scheme in BGN_LANGS.get(r.cc, ()):
            f = bgn_form(r, scheme, tl)
            if f:
                r.styles["bgn"] = f
                n += 1
                break
    ST.add("bgn forms (BGN/PCGN romanization of the native form)", n)


def settle_bgn(recs, core, words):
    """A generated `bgn` form is matched in text like any spelling, so it
    must not be another entity's (Mykolaiv the city and the oblast; the
    many Ukrainian villages of one name), nor a common word ("Hit"): such
    forms are dropped, and so are forms two entities would get."""
    claims = collections.defaultdict(set)
    everyone = list(core) + list(recs.values())
    for r in everyone:
        for f in [r.canonical] + [v[0] for v in r.variants] + \
                [f for st, f in r.styles.items() if st != "bgn"]:
            claims[fold(f)].add(r.id)
    gen = collections.defaultdict(set)
    for r in recs.values():
        if "bgn" in r.styles and r.origin not in ("curated", "core"):
            gen[fold(r.styles["bgn"])].add(r.id)
    n = 0
    for r in recs.values():
        f = r.styles.get("bgn")
        if f is None or r.origin in ("curated", "core"):
            continue
        k = fold(f)
        if claims[k] - {r.id} or len(gen[k]) > 1 or k in words:
            del r.styles["bgn"]
            n += 1
    ST.add("bgn form dropped: another entity's spelling", n)


def import_curated(paths, recs):
    """Hand-curated records override imported ones with the same id."""
    n = 0
    errors = []
    for path in paths:
        _, crs, errs = read_table(path, origin="curated")
        errors += errs
        for c in crs:
            seen = {fold(c.canonical)}
            vs = []
            for v in c.variants:
                k = fold(v[0])
                if k in seen or len(k.replace(" ", "")) < 3:
                    continue
                seen.add(k)
                vs.append(v)
            c.variants = vs
            c.prio = PRIO["curated"]
            c.src = {"curated"}
            old = recs.get(c.id)
            if old is not None and old.origin != "curated":
                # Keep the imported spellings, under the curated canonical,
                # and the generated style forms the curated record lacks.
                c.src |= old.src
                for st, form in old.styles.items():
                    c.styles.setdefault(st, form)
                extra = [old.canonical] + old.forms()
                have = {fold(c.canonical)} | {fold(v[0]) for v in c.variants}
                for f in extra:
                    f = clean_form(f)
                    if f and fold(f) not in have:
                        c.variants.append([f, ""])
                        have.add(fold(f))
                ST.add("curated record overriding an imported one")
            elif old is not None:
                errors.append("%s:%d: duplicate curated id %s"
                              % (path, c.line, c.id))
            recs[c.id] = c
            n += 1
    return n, errors


def load_core(core_dir, out_dir):
    core = []
    for path in sorted(glob.glob(os.path.join(core_dir, "*.tsv"))):
        if os.path.abspath(os.path.dirname(path)) == os.path.abspath(out_dir):
            continue
        meta, rs, errs = read_table(path, origin="core")
        if meta.get("kind", ["names"])[0] != "names":
            continue
        for r in rs:
            r.prio = PRIO["core"]
        core += rs
    return core


# ------------------------------------------------------------- resolution

def yield_villages(recs, core, words):
    """Villages (localities without a Wikidata id) give way to everything
    else: a village whose name is another entity's spelling, a common word
    or a given name is dropped; so are such variants, and single-word Latin
    variants shorter than five letters.  They never take a spelling away
    from a better-known entity ("Hassan" stays a given name)."""
    taken = set()
    tokens = set()
    for r in list(core) + [r for r in recs.values() if r.origin != "village"]:
        forms = [r.canonical] + [v[0] for v in r.variants] + \
            list(r.styles.values())
        for f in forms:
            taken.add(fold(f))
            if r.type == "person" and script_of(f) == "Latin":
                tokens.update(fold(f).split())
    for rid in [k for k, r in recs.items() if r.origin == "village"]:
        r = recs[rid]
        ck = fold(r.canonical)
        if ck in taken or ck in words or ck in tokens or \
                len(ck.replace(" ", "")) < 4:
            del recs[rid]
            ST.add("dropped village: name of another entity, common word or "
                   "given name")
            continue
        keep = []
        for v in r.variants:
            k = fold(v[0])
            one_latin = " " not in k and script_of(v[0]) == "Latin"
            if k in taken or k in words or k in tokens or \
                    (one_latin and len(k) < 5):
                ST.add("dropped: village variant also another entity's, a "
                       "common word or a given name")
                continue
            keep.append(v)
        r.variants = keep
        if not keep:
            # nothing to rewrite: the village would only cost table space
            del recs[rid]
            ST.add("dropped village: no variant left")


def resolve(recs, core, words, propers):
    core_ids = {r.id for r in core}
    for rid in list(recs):
        base = rid.split("/")[0]
        if rid in core_ids or (base in core_ids and "/" not in rid):
            del recs[rid]
            ST.add("skipped: id already in a hand-written table")

    yield_villages(recs, core, words | propers)

    for rid in list(recs):
        r = recs[rid]
        if r.origin in ("curated", "core"):
            continue
        ck = fold(r.canonical)
        if ck in FREQUENT:
            del recs[rid]
            ST.add("dropped entity: its name folds to a frequent English "
                   "word (Aš, Over)")
            continue
        n = len(r.variants)
        r.variants = [v for v in r.variants if fold(v[0]) not in FREQUENT]
        ST.add("dropped: variant is a frequent English word", n - len(r.variants))

    # Imported one-word Latin variants that are English words ("Island" for
    # Iceland, "Age", "School"), English proper nouns of their own
    # ("Versailles" for Versalles, "Latin", "Obama") or tokens of people's
    # names ("Antonio", "Marco") are dropped: a guard does not help where a
    # capitalised word follows ("Long Island").  Curated data keeps such
    # variants (Kiev), guarded where needed.
    tokens = set()
    for r in list(core) + list(recs.values()):
        if r.type == "person":
            for f in [r.canonical] + [v[0] for v in r.variants]:
                if script_of(f) == "Latin":
                    tokens.update(fold(f).split())
    for rid in list(recs):
        r = recs[rid]
        if r.origin in ("curated", "core"):
            continue
        # An accented name whose plain form is an English word or a given
        # name ("Unión", "Saül", "Būsh", "Maré"): the identity rewrite would
        # put accents on "Union", "Saul", "Bush", "Mare" in English text.
        # (Not English proper nouns: "Izmir" is İzmir.)
        ck = fold(r.canonical)
        if " " not in ck and r.canonical.lower() != ck and (
                ck in words or ck in tokens):
            del recs[rid]
            ST.add("dropped entity: accented name whose plain form is an "
                   "English word, proper noun or given name")
            continue
        keep = []
        for v in r.variants:
            k = fold(v[0])
            if " " not in k and script_of(v[0]) == "Latin" and (
                    k in words or k in propers or
                    (r.type != "person" and k in tokens)):
                ST.add("dropped: imported one-word variant is an English word, "
                       "an English proper noun or a given name")
                continue
            keep.append(v)
        r.variants = keep

    # An entity the lead's tables already name (same canonical key) is not
    # generated a second time under another id.
    core_ckeys = {fold(r.canonical) for r in core}
    for rid in list(recs):
        if fold(recs[rid].canonical) in core_ckeys:
            del recs[rid]
            ST.add("skipped: entity already in a hand-written table")

    # 1. Canonical forms.  Keys of core canonicals/variants are off limits.
    core_claim = collections.defaultdict(set)
    for r in core:
        core_claim[fold(r.canonical)].add(r.canonical)
        for f, _ in r.variants:
            core_claim[fold(f)].add(r.canonical)
        for f in r.styles.values():
            core_claim[fold(f)].add(r.canonical)

    by_ckey = collections.defaultdict(list)
    for r in recs.values():
        by_ckey[fold(r.canonical)].append(r)
    for key, group in by_ckey.items():
        if key in core_claim:
            canon = sorted(core_claim[key])[0]
            if len(core_claim[key]) > 1 or any(r.origin == "curated" and
                                               r.canonical != canon
                                               for r in group):
                # A curated record colliding with the lead's table: keep ours
                # out, the lead's wins.
                pass
            for r in group:
                if r.canonical != canon:
                    ST.add("canonical respelled to match a hand-written table")
                    r.canonical = canon
            continue
        names = {r.canonical for r in group}
        if len(names) > 1:
            best = sorted(group, key=lambda r: (-r.prio, -r.pop,
                                                not r.canonical.isascii(),
                                                r.canonical))[0]
            for r in group:
                if r.canonical != best.canonical:
                    ST.add("canonical respelled: same key as another entity's")
                    r.canonical = best.canonical

    # 2a. A variant of a strong entity that is the canonical form of a much
    #     weaker one ("Kiev", a village, vs. Kyiv's variant "Kiev"): the
    #     weaker claim is dropped, since news text means the strong one.
    def strength(r):
        return (r.prio, r.pop)
    ckey_recs = collections.defaultdict(list)
    for r in recs.values():
        ckey_recs[fold(r.canonical)].append(r)
    doomed = set()
    for r in recs.values():
        for form, _ in r.variants:
            k = fold(form)
            for b in ckey_recs.get(k, ()):
                if b is r or b.canonical == r.canonical or b.id in doomed:
                    continue
                if b.origin in ("curated", "core") or b.type != r.type:
                    continue
                if r.prio > b.prio or (r.prio == b.prio and
                                       r.pop > 10 * max(b.pop, 1)):
                    doomed.add(b.id)
    for rid in doomed:
        del recs[rid]
        ST.add("dropped entity: its name is a variant of a much larger one")

    canon_of_key = {}
    for r in list(core) + list(recs.values()):
        canon_of_key.setdefault(fold(r.canonical), r.canonical)

    # 2. Variants: drop those that are another entity's canonical form or a
    #    hand-written table's key; mark `?` those several entities claim.
    claims = collections.defaultdict(set)
    for r in recs.values():
        ck = fold(r.canonical)
        keep = []
        seen = {ck}
        for form, flag in r.variants:
            k = fold(form)
            if k in seen:
                continue
            seen.add(k)
            if k in canon_of_key and canon_of_key[k] != r.canonical:
                ST.add("dropped: variant is another entity's canonical form")
                continue
            if k in core_claim and core_claim[k] != {r.canonical}:
                ST.add("dropped: variant claimed by a hand-written table")
                continue
            keep.append([form, flag])
            claims[k].add(r.canonical)
        r.variants = keep
    # 2b. Several entities claim a spelling: if one is far stronger (a
    #     country or province vs. a village, or ten times the population)
    #     the weaker claims are dropped; otherwise all are marked shared.
    claimants = collections.defaultdict(list)
    for r in recs.values():
        for v in r.variants:
            claimants[fold(v[0])].append(r)
    for k, rs in claimants.items():
        if len(claims[k]) < 2:
            continue
        rs = sorted(rs, key=lambda r: (-r.prio, -r.pop, r.id))
        top = rs[0]
        others = [r for r in rs[1:] if r.canonical != top.canonical]
        if all(top.prio > r.prio or top.pop > 10 * max(r.pop, 1)
               for r in others):
            for r in others:
                r.variants = [v for v in r.variants if fold(v[0]) != k]
                ST.add("dropped: weaker claim on a spelling of a larger entity")
            claims[k] = {top.canonical}
    for r in recs.values():
        for v in r.variants:
            k = fold(v[0])
            if len(claims[k]) > 1:
                if v[1] != "?":
                    ST.add("variant marked shared (?)")
                v[1] = "?"

    # 3. Common words: single-word Latin variants that are lowercase English
    #    words are guarded (`~`), unless already shared.
    for r in recs.values():
        for v in r.variants:
            k = fold(v[0])
            if " " in k or script_of(v[0]) != "Latin":
                continue
            if k in words:
                if v[1] == "":
                    v[1] = "~"
                    ST.add("variant marked guarded (~)")
                else:
                    ST.add("variant shared (?) and a common word")
        if " " not in fold(r.canonical) and fold(r.canonical) in words:
            # "~Nice": matched only capitalised next to another capitalised
            # word, so a sentence-initial "Nice" or "As" (Aš) stays as is.
            r.cguard = True
            ST.add("canonical form is a common word: guarded (~)")

    # 4. A style form of a curated entity holds for the imported entities of
    #    the same name (AP's "Irbil" for Erbil the city and the governorate):
    #    otherwise the name would be ambiguous in that style.
    styled = collections.defaultdict(dict)
    for r in list(core) + list(recs.values()):
        if r.origin in ("curated", "core") and "/" not in r.id:
            for st, form in r.styles.items():
                styled[fold(r.canonical)].setdefault(st, form)
    for r in recs.values():
        for st, form in styled.get(fold(r.canonical), {}).items():
            if st not in r.styles:
                r.styles[st] = form
                ST.add("style form copied from a curated entity of the same "
                       "name")


# ------------------------------------------------------------------ output

def id_key(rid):
    base = rid.split("/")[0]
    num = int(base[1:]) if base[:1] == "Q" and base[1:].isdigit() else 0
    return (num, rid)


def initial(r):
    k = fold(r.canonical)
    for ch in k:
        if "a" <= ch <= "z":
            return ch
        if ch.isalpha():
            return "0"
    return "0"


def header(name, srcs, version, part_note=""):
    lines = ["# name: %s" % name, "# kind: names",
             "# version: %s" % version]
    lics = []
    for s in sorted(srcs):
        text, lic = SRC_TEXT[s]
        lines.append("# source: %s" % text)
        if lic not in lics:
            lics.append(lic)
    for lic in lics:
        lines.append("# license: %s" % lic)
    lines.append("# styles: ap bgn")
    lines.append("# Generated by tools/gazetteer/build.py%s; do not edit: "
                 "change tools/gazetteer/curated/ and rebuild." % part_note)
    lines.append("# Attributions: tables/LICENSES.md")
    lines.append("# id\ttype\tcanonical\tvariants\tstyles")
    return "\n".join(lines) + "\n"


def write_out(recs, out_dir, village_dir, version, max_bytes=2_000_000):
    for d in (out_dir, village_dir):
        os.makedirs(d, exist_ok=True)
        for old in glob.glob(os.path.join(d, "*.tsv")):
            os.remove(old)
    groups = collections.defaultdict(list)
    for r in recs.values():
        # Villages go to files of their own in another directory: an
        # optional table set (--table), not compiled into the bundle.
        groups[("village" if r.origin == "village" else r.type,
                initial(r))].append(r)
    written = []
    for (typ, ini) in sorted(groups):
        rs = sorted(groups[(typ, ini)], key=lambda r: id_key(r.id))
        lines = [format_record(r) + "\n" for r in rs]
        total = sum(len(x.encode()) for x in lines)
        nparts = 1
        while total / nparts > max_bytes - 4096:
            nparts += 1
        per = -(-len(lines) // nparts)
        for i in range(nparts):
            chunk = rs[i * per:(i + 1) * per]
            body = lines[i * per:(i + 1) * per]
            srcs = set()
            for r in chunk:
                srcs |= r.src
            base = "%s-%s" % (typ, ini) + ("-%d" % (i + 1) if nparts > 1 else "")
            path = os.path.join(village_dir if typ == "village" else out_dir,
                                base + ".tsv")
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(header("gazetteer-" + base, srcs, version))
                f.writelines(body)
            written.append(path)
    return written


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--mirror", default="/work/.mirror",
                    help="directory holding the fetched git snapshots")
    ap.add_argument("--out", default=os.path.join(root, "tables/names/gen"))
    ap.add_argument("--villages-out",
                    default=os.path.join(root, "tables/names/optional/villages"),
                    help="directory of the optional village tables (outside "
                    "the bundle's tables/names/*.tsv and */*.tsv)")
    ap.add_argument("--curated", default=os.path.join(here, "curated"),
                    help="directory of hand-curated *.tsv inputs")
    ap.add_argument("--core", default=os.path.join(root, "tables/names"),
                    help="directory of hand-written tables to respect")
    ap.add_argument("--words", default="/usr/share/dict/words")
    ap.add_argument("--stats", default=None,
                    help="write counts as JSON to this file")
    args = ap.parse_args()

    recs = {}
    iso2_qid = import_dr5hn(args.mirror, recs)
    import_mledoze(args.mirror, recs, iso2_qid)
    import_wof(args.mirror, recs)
    import_ep(args.mirror, recs)
    tl = load_translit(root)
    add_bgn(recs, tl)
    add_translit(recs, tl)
    ncur, errs = import_curated(sorted(glob.glob(os.path.join(args.curated,
                                                              "*.tsv"))), recs)
    for e in errs:
        print(e, file=sys.stderr)
    if errs:
        return 1
    core = load_core(args.core, args.out)
    words, propers = load_words(args.words)
    resolve(recs, core, words, propers)
    settle_bgn(recs, core, words)
    version = "dr5hn %s, mledoze %s, WOF %s..%s, EveryPolitician %s" % (
        DR5HN_DATE, MLEDOZE_DATE, min(d for _, d in WOF_REPOS.values()),
        max(d for _, d in WOF_REPOS.values()), EP_DATE)
    files = write_out(recs, args.out, args.villages_out, version)

    by_type = collections.Counter(r.type for r in recs.values())
    nvar = sum(len(r.variants) for r in recs.values())
    vil = [r for r in recs.values() if r.origin == "village"]
    nvil = sum(len(r.variants) for r in vil)
    print("entities: %d %s; of them villages (optional tables): %d"
          % (len(recs), dict(sorted(by_type.items())), len(vil)))
    print("variants: %d; bundled %d, in the village tables %d"
          % (nvar, nvar - nvil, nvil))
    print("files: %d (largest %d bytes)" % (
        len(files), max(os.path.getsize(f) for f in files)))
    print("dr5hn city files missing from the snapshot (>= 4 MiB): %s"
          % " ".join(getattr(ST, "missing_city_files", [])))
    for k, v in sorted(ST.c.items()):
        print("  %7d  %s" % (v, k))
    if args.stats:
        with open(args.stats, "w") as f:
            json.dump({"entities": len(recs), "by_type": by_type,
                       "variants": nvar, "counts": ST.c}, f, indent=1,
                      sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
