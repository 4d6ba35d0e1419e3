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
import difflib
import glob
import json
import os
import sqlite3
import subprocess
import sys
import tempfile

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

SRC_TEXT = {
    "dr5hn": ("%s@%s (%s), countries/states/cities with Wikidata ids"
              % (DR5HN_REPO, DR5HN_COMMIT, DR5HN_DATE), "ODbL-1.0"),
    "mledoze": ("%s@%s (%s), country names"
                % (MLEDOZE_REPO, MLEDOZE_COMMIT, MLEDOZE_DATE), "ODbL-1.0"),
    "curated": ("onoma hand-curated tools/gazetteer/curated/*.tsv", "CC0-1.0"),
}

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
EXTRA_COMMON = set("""ain bin ibn abu umm bint dar deir tal tel wadi jebel jabal
bab bay ras sidi beit bet kafr kfar nahr ain't el al la le les los las das der
die des del della dei van von ten ter den het een une und und the""".split())

PRIO = {"core": 100, "curated": 90, "country": 50, "official": 45,
        "state": 40, "city": 30}


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


def clean_form(s):
    if s is None:
        return None
    s = " ".join(str(s).replace("\t", " ").replace("|", " ").split())
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
    while s.endswith(")") and " (" in s:
        s = s[:s.rindex(" (")].rstrip()
    s = s.strip(" .,;:'\"-\u2019\u2018\u02bf\u02be`\u00b4")
    if not s or not (s[0].isalnum() and s[-1].isalnum()):
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


def accept_variant(rec, form, why):
    """Filter a candidate variant; returns the cleaned form or None."""
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


def load_words(path):
    words = set(EXTRA_COMMON)
    if path and os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as f:
            for w in f:
                w = w.strip()
                if w and w == w.lower() and "'" not in w:
                    words.add(fold(w))
    return words


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
                          "country_code, population from states "
                          "order by id").fetchall()
        db.close()
    for name, native, tr, qid, cc, pop in rows:
        if not qid:
            ST.add("skipped: dr5hn record without Wikidata id")
            continue
        if qid in recs:
            ST.add("skipped: dr5hn duplicate Wikidata id")
            continue
        r = Record(qid, "place", clean_canonical(name), origin="dr5hn", prio=PRIO["state"],
                   pop=int(pop or 0), src={"dr5hn"})
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
                # Keep the imported spellings, under the curated canonical.
                c.src |= old.src
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

def resolve(recs, core, words):
    core_ids = {r.id for r in core}
    for rid in list(recs):
        base = rid.split("/")[0]
        if rid in core_ids or (base in core_ids and "/" not in rid):
            del recs[rid]
            ST.add("skipped: id already in a hand-written table")

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
                if b.origin in ("curated", "core"):
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
            ST.add("canonical form is a common word (identity only)")


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
    lines.append("# styles: ap")
    lines.append("# Generated by tools/gazetteer/build.py%s; do not edit: "
                 "change tools/gazetteer/curated/ and rebuild." % part_note)
    lines.append("# Attributions: tables/LICENSES.md")
    lines.append("# id\ttype\tcanonical\tvariants\tstyles")
    return "\n".join(lines) + "\n"


def write_out(recs, out_dir, version, max_bytes=2_000_000):
    os.makedirs(out_dir, exist_ok=True)
    for old in glob.glob(os.path.join(out_dir, "*.tsv")):
        os.remove(old)
    groups = collections.defaultdict(list)
    for r in recs.values():
        groups[(r.type, initial(r))].append(r)
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
            path = os.path.join(out_dir, base + ".tsv")
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
    ncur, errs = import_curated(sorted(glob.glob(os.path.join(args.curated,
                                                              "*.tsv"))), recs)
    for e in errs:
        print(e, file=sys.stderr)
    if errs:
        return 1
    core = load_core(args.core, args.out)
    words = load_words(args.words)
    resolve(recs, core, words)
    version = "dr5hn %s, mledoze %s, curated %s" % (
        DR5HN_DATE, MLEDOZE_DATE, DR5HN_DATE)
    files = write_out(recs, args.out, version)

    by_type = collections.Counter(r.type for r in recs.values())
    nvar = sum(len(r.variants) for r in recs.values())
    print("entities: %d %s" % (len(recs), dict(sorted(by_type.items()))))
    print("variants: %d" % nvar)
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
