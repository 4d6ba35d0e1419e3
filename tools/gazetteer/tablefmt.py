"""Reading and writing onoma `names` tables (docs/tables.md)."""

import re

TYPES = ("person", "place", "org", "name", "other")
ID_RE = re.compile(r"^[A-Za-z0-9_.:/-]+$")


class Record:
    __slots__ = ("id", "type", "canonical", "variants", "styles", "origin",
                 "prio", "pop", "src", "line", "cguard", "lat", "lon", "cc")

    def __init__(self, id, type, canonical, variants=None, styles=None,
                 origin="", prio=0, pop=0, src=None, line=0):
        self.id = id
        self.type = type
        self.canonical = canonical
        # list of [form, flag] with flag in ('', '~', '?')
        self.variants = variants if variants is not None else []
        self.styles = styles if styles is not None else {}
        self.origin = origin      # file or importer the record came from
        self.prio = prio          # higher wins canonical-spelling ties
        self.pop = pop            # population, for tie-breaking places
        self.src = src if src is not None else set()   # source tags
        self.line = line
        self.cguard = False       # canonical written "~Form": a common word
        self.lat = None           # coordinates and country of a place, for
        self.lon = None           # matching records of other sources
        self.cc = None

    def forms(self):
        return [v[0] for v in self.variants]


def parse_variant(v):
    if v[:1] in ("~", "?"):
        return [v[1:], v[0]]
    return [v, ""]


def read_table(path, origin=None):
    """Read a names table; returns (meta, records, errors)."""
    meta = {}
    recs = []
    errors = []
    seen_record = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip():
                continue
            if line.startswith("#"):
                if not seen_record:
                    m = re.match(r"^#\s*([a-z]+):\s*(.*)$", line)
                    if m:
                        meta.setdefault(m.group(1), []).append(m.group(2))
                continue
            seen_record = True
            fields = line.split("\t")
            if len(fields) < 3 or len(fields) > 5:
                errors.append("%s:%d: error: %d fields" % (path, n, len(fields)))
                continue
            fields += [""] * (5 - len(fields))
            rid, typ, canon, variants, styles = fields
            variants = [parse_variant(v) for v in variants.split("|") if v]
            st = {}
            for kv in styles.split(";"):
                if not kv:
                    continue
                if "=" not in kv:
                    errors.append("%s:%d: error: bad style %r" % (path, n, kv))
                    continue
                k, v = kv.split("=", 1)
                st[k] = v
            rec = Record(rid, typ, canon, variants, st,
                         origin=origin or path, line=n)
            if canon.startswith("~"):
                rec.canonical = canon[1:]
                rec.cguard = True
            recs.append(rec)
    return meta, recs, errors


def format_record(r):
    vs = "|".join(flag + form for form, flag in r.variants)
    st = ";".join("%s=%s" % (k, r.styles[k]) for k in sorted(r.styles))
    fields = [r.id, r.type, ("~" if r.cguard else "") + r.canonical, vs, st]
    while len(fields) > 3 and fields[-1] == "":
        fields.pop()
    return "\t".join(fields)
