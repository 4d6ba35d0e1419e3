#!/usr/bin/env python3
"""Reference implementation (prototype) of onoma's name keys and name match.

It interprets the rule files in tables/keys/ exactly as src/key/ does; the C
module must give byte-identical keys and the same match decisions (see
tools/keys/check-c.sh).  The format is documented in docs/keys.md.

usage:
  onomakey.py [--rules DIR] [--lang L|auto] [--ordered] key  [FILE...|-]
  onomakey.py [--rules DIR] [--lang L|auto] match [--explain] NAME1 NAME2
  onomakey.py [--rules DIR] [--lang L|auto] match [--explain] --pairs FILE|-

Needs PyICU (Debian: python3-icu) for non-ASCII input, to use the same ICU
transliterator ("Any-Latin; Latin-ASCII") as the C code.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_RULES = os.path.normpath(os.path.join(HERE, '..', '..', 'tables', 'keys'))

# Token steps in the fixed order the engine runs them (docs/keys.md).
LIST_DIRECTIVES = ('drop', 'drop-ending', 'drop-lead', 'join-next', 'join-prev', 'common')
SETTINGS = {'initials': ('drop', 'keep'), 'select': ('all', 'first-last'),
            'min-ending-stem': None}


# The fallback transliterator for native script (the C code uses the same):
# English-style BGN romanization for Cyrillic and Greek, ICU's default for
# the rest.
TRANSLIT_ID = 'Russian-Latin/BGN; Greek-Latin/BGN; Any-Latin'


class RuleError(Exception):
    pass


_WS = ' \t\r\v\f'          # white space of rule files: ASCII only, like the C code


def _strip(s):
    return s.strip(_WS)


def _words(s):
    for c in '\t\r\v\f':
        s = s.replace(c, ' ')
    return [w for w in s.split(' ') if w]


class Rule(object):
    __slots__ = ('left', 'match', 'right', 'repl', 'bol', 'eol', 'line')

    def __init__(self, left, match, right, repl, bol, eol, line):
        self.left, self.match, self.right = left, match, right
        self.repl, self.bol, self.eol, self.line = repl, bol, eol, line


class Rules(object):
    """All rule files of a directory (or one file), merged in file-name order."""

    def __init__(self, path, lang='auto'):
        self.classes = {}
        self.maps = {}
        self.lists = {d: set() for d in LIST_DIRECTIVES}
        self.compound_heads = set()
        self.compound_tails = set()
        self.settings = {'initials': 'drop', 'select': 'all', 'min-ending-stem': '3'}
        self.steps = []          # ('phase', name, [Rule]) | ('squeeze', classname|None)
        self.files = []
        if os.path.isdir(path):
            names = sorted(f for f in os.listdir(path) if f.endswith('.txt'))
            files = [os.path.join(path, f) for f in names]
        else:
            files = [path]
        if not files:
            raise RuleError('%s: no rule files' % path)
        for f in files:
            self._load(f, lang)

    # ------------------------------------------------------------ parsing
    def _load(self, path, lang):
        with open(path, 'rb') as fh:
            data = fh.read()
        try:
            text = data.decode('utf-8')
        except UnicodeDecodeError as e:
            raise RuleError('%s: invalid UTF-8 at byte %d' % (path, e.start))
        meta = {}
        lines = text.split('\n')
        header = True
        for ln, raw in enumerate(lines, 1):
            s = _strip(raw)
            if header and s.startswith('#'):
                body = _strip(s[1:])
                if ':' in body:
                    k, v = body.split(':', 1)
                    if _strip(k) and ' ' not in _strip(k):
                        meta.setdefault(_strip(k), []).append(_strip(v))
                continue
            if s:
                header = False
        langs = _words(' '.join(meta.get('langs', ['*'])))
        for k in ('name', 'source', 'license'):
            if k not in meta:
                raise RuleError('%s:1: error: missing "# %s:" header' % (path, k))
        if lang != 'auto' and '*' not in langs and lang not in langs:
            return
        # "# auto: no": only when one of its languages is asked for
        auto = ' '.join(meta.get('auto', ['yes'])).strip()
        if auto not in ('yes', 'no'):
            raise RuleError('%s:1: error: "# auto:" is yes or no' % path)
        if lang == 'auto' and auto == 'no':
            return
        self.files.append(path)
        phase = None
        for ln, raw in enumerate(lines, 1):
            s = raw
            if '#' in s:
                i = s.find('#')
                # '#' starts a comment at line start or after white space
                while i >= 0 and not (i == 0 or s[i - 1] in ' \t'):
                    i = s.find('#', i + 1)
                if i >= 0:
                    s = s[:i]
            s = _strip(s)
            if not s:
                continue
            where = '%s:%d' % (path, ln)
            words = _words(s)
            d = words[0]
            if d == 'class':
                if len(words) != 4 or words[2] != '=' or len(words[1]) != 1 \
                        or not ('A' <= words[1] <= 'Z'):
                    raise RuleError(where + ': error: expected "class X = letters"')
                if '*' not in langs:
                    raise RuleError(where + ': error: classes belong in a file for all languages')
                if words[1] in self.classes:
                    raise RuleError(where + ': error: class %s defined twice' % words[1])
                for c in words[3]:
                    if not _is_sym(c):
                        raise RuleError(where + ': error: bad class member %r' % c)
                self.classes[words[1]] = frozenset(words[3])
            elif d == 'map':
                if len(words) not in (2, 3) or len(words[1]) != 1 or not 128 <= ord(words[1]) <= 0xFFFF:
                    raise RuleError(where + ': error: expected "map CHAR [ascii]" '
                                    'with one non-ASCII character')
                rep = words[2] if len(words) == 3 else ''
                if not all(_is_sym(c) or c == '-' for c in rep):
                    raise RuleError(where + ': error: map output must be a-z or \'')
                self.maps[words[1]] = rep.replace('-', ' ')
            elif d in LIST_DIRECTIVES:
                for w in words[1:]:
                    if not all(_is_sym(c) for c in w):
                        raise RuleError(where + ': error: bad word %r' % w)
                    self.lists[d].add(w)
            elif d == 'compound':
                if '|' not in words:
                    raise RuleError(where + ': error: expected "compound HEADS | TAILS"')
                k = words.index('|')
                self.compound_heads.update(words[1:k])
                self.compound_tails.update(words[k + 1:])
            elif d in SETTINGS:
                if len(words) != 2:
                    raise RuleError(where + ': error: expected "%s VALUE"' % d)
                ok = SETTINGS[d]
                if ok is None:
                    if not words[1].isdigit():
                        raise RuleError(where + ': error: %s needs a number' % d)
                elif words[1] not in ok:
                    raise RuleError(where + ': error: %s is one of %s' % (d, ', '.join(ok)))
                self.settings[d] = words[1]
            elif d == 'phase':
                # a step for the key only, or only for the finer form the
                # match compares when two keys are equal; else for both
                track = words[2] if len(words) == 3 else None
                if len(words) not in (2, 3) or track not in (None, 'key', 'fine'):
                    raise RuleError(where + ': error: expected "phase NAME [key|fine]"')
                phase = ('phase', words[1], [], track)
                self.steps.append(phase)
            elif d == 'squeeze':
                track = words[-1] if len(words) > 1 and words[-1] in ('key', 'fine') else None
                rest = words[1:-1] if track else words[1:]
                if len(rest) > 1 or (rest and rest[0] not in self.classes):
                    raise RuleError(where + ': error: expected "squeeze [CLASS] [key|fine]"')
                self.steps.append(('squeeze', rest[0] if rest else None, track))
                phase = None
            else:
                if phase is None:
                    raise RuleError(where + ': error: rule outside a phase: %r' % s)
                phase[2].append(self._rule(s, where, ln))

    def _rule(self, s, where, ln):
        if s.count('>') != 1:
            raise RuleError(where + ': error: a rule needs exactly one ">"')
        lhs, repl = s.split('>')
        repl = _strip(repl)
        if repl == '=':
            repl = None              # '=' keeps the matched text
        elif not all(_is_sym(c) for c in repl):
            raise RuleError(where + ': error: replacement must be a-z, 0-9, \' or =')
        lhs = lhs.replace(' ', '').replace('\t', '')
        if '{' in lhs or '}' in lhs:
            if lhs.count('{') != 1 or lhs.count('}') != 1 or lhs.find('{') > lhs.find('}'):
                raise RuleError(where + ': error: expected "LEFT { MATCH } RIGHT"')
            left, rest = lhs.split('{')
            match, right = rest.split('}')
        else:
            left, match, right = '', lhs, ''
        bol = eol = False
        if left.startswith('^'):
            bol, left = True, left[1:]
        elif not left and match.startswith('^'):
            bol, match = True, match[1:]
        if right.endswith('$'):
            eol, right = True, right[:-1]
        elif not right and match.endswith('$'):
            eol, match = True, match[:-1]
        for part in (left, match, right):
            for c in part:
                if _is_sym(c):
                    continue
                if 'A' <= c <= 'Z':
                    if c not in self.classes:
                        raise RuleError(where + ': error: unknown class %s' % c)
                    continue
                raise RuleError(where + ': error: unexpected %r' % c)
        if not match:
            raise RuleError(where + ': error: empty match')
        return Rule(left, match, right, repl, bol, eol, ln)


def _is_sym(c):
    return 'a' <= c <= 'z' or '0' <= c <= '9' or c == "'"


# ------------------------------------------------------------------ engine
class Keyer(object):
    def __init__(self, rules, ordered=False):
        self.r = rules
        self.ordered = ordered
        self.cache = {}
        self.fcache = {}
        self.common = None       # keys of the 'common' words, made on first use
        self._tr = None
        self._classes = rules.classes

    # -- text -> tokens
    def _latin(self, name):
        """ASCII text of a name: ASCII input is only lowercased; other input
        goes through TRANSLIT_ID, lowercasing, the rule files' letter maps and
        Latin-ASCII, in that order (the C code does the same with utrans)."""
        if all(ord(c) < 128 for c in name):
            return name.lower()
        import icu
        if self._tr is None:
            self._tr = (icu.Transliterator.createInstance(TRANSLIT_ID, icu.UTransDirection.FORWARD),
                        icu.Transliterator.createInstance('Latin-ASCII', icu.UTransDirection.FORWARD))
        s = self._tr[0].transliterate(name)
        s = str(icu.UnicodeString(s).toLower(icu.Locale.getRoot()))
        if self.r.maps:
            s = ''.join(self.r.maps.get(c, c) for c in s)
        if any(ord(c) >= 128 for c in s):
            s = self._tr[1].transliterate(s)
        return s

    @staticmethod
    def _split(s):
        toks, cur = [], []
        for c in s:
            o = ord(c)
            if 97 <= o <= 122 or 48 <= o <= 57:
                cur.append(c)
            elif 65 <= o <= 90:
                cur.append(chr(o + 32))
            elif c in "'`" or o in (0x2019, 0x2018, 0x02BC, 0x02BB, 0x02BF, 0x02BE, 0xB4):
                cur.append("'")
            else:
                if cur:
                    toks.append(''.join(cur))
                cur = []
        if cur:
            toks.append(''.join(cur))
        out = []
        for t in toks:
            t = t.strip("'")
            if t:
                out.append(t)
        return out

    def tokens(self, name, for_match=False):
        """raw tokens after the token-level rules (before per-token keying).
        The match aligns tokens itself, so it keeps the words a key leaves
        out only because they are often dropped (drop-lead)."""
        r = self.r
        toks = self._split(self._latin(name))
        if not toks:
            return []
        L = r.lists
        # 1. drop listed words and initials
        stem = int(r.settings['min-ending-stem'])
        keep = []
        for t in toks:
            if t in L['drop']:
                continue
            if r.settings['initials'] == 'drop' and len(t) == 1:
                continue
            keep.append(t)
        if not keep:                 # all dropped: a name is still a name
            keep = [t for t in toks if len(t) > 1] or list(toks)
        # 2. patronymic-like endings: middle tokens; else the last of >= 3
        # (name order "Ivanov Ivan Ivanovich"); never the first token
        ends = L['drop-ending']
        if ends and len(keep) >= 3 and not for_match:
            pat = [any(t.endswith(e) and len(t) - len(e) >= stem for e in ends)
                   for t in keep]
            if any(pat[1:-1]):
                keep = [keep[0]] + [t for t, p in zip(keep[1:-1], pat[1:-1]) if not p] \
                    + [keep[-1]]
            elif pat[-1]:
                keep = keep[:-1]
        # 3. joins: a join-next word is glued to the following word, a
        #    join-prev word to the preceding one; compound heads + tails join.
        out = []
        i = 0
        while i < len(keep):
            t = keep[i]
            while t in L['join-next'] and i + 1 < len(keep):
                i += 1
                t = t + keep[i]
            if out and (t in L['join-prev'] or
                        (t in r.compound_tails and out[-1] in r.compound_heads)):
                out[-1] = out[-1] + t
            else:
                out.append(t)
            i += 1
        keep = out
        # 4. a leading word often left out ("Mohammad Javad Zarif" is "Javad
        # Zarif"): dropped when at least two other words follow
        while not for_match and len(keep) >= 3 and keep[0] in L['drop-lead']:
            keep = keep[1:]
        return keep

    # -- per-token rewriting
    def token_key(self, t):
        k = self.cache.get(t)
        if k is None:
            k = self._rewrite(t)
            self.cache[t] = k
        return k

    def token_fine(self, t):
        """the finer form of a token (steps marked 'fine' instead of 'key')"""
        k = self.fcache.get(t)
        if k is None:
            k = self._rewrite(t, True)
            self.fcache[t] = k
        return k

    def _rewrite(self, s, fine=False):
        skip = 'key' if fine else 'fine'
        for step in self.r.steps:
            if not s:
                break
            if step[-1] == skip:
                continue
            if step[0] == 'squeeze':
                cls = self._classes.get(step[1]) if step[1] else None
                out = []
                for c in s:
                    if out and out[-1] == c and (cls is None or c in cls):
                        continue
                    out.append(c)
                s = ''.join(out)
            else:
                s = self._phase(step[2], s)
        return s

    def _at(self, pat, s, i):
        """does pattern pat match s at position i (fully inside s)?"""
        if i < 0 or i + len(pat) > len(s):
            return False
        cl = self._classes
        for k, p in enumerate(pat):
            c = s[i + k]
            if 'A' <= p <= 'Z':
                if c not in cl[p]:
                    return False
            elif c != p:
                return False
        return True

    def _phase(self, rules, s):
        out = []
        i, n = 0, len(s)
        while i < n:
            for r in rules:
                m = len(r.match)
                if r.bol and i - len(r.left) != 0:
                    continue
                if r.eol and i + m + len(r.right) != n:
                    continue
                if not self._at(r.match, s, i):
                    continue
                if r.left and not self._at(r.left, s, i - len(r.left)):
                    continue
                if r.right and not self._at(r.right, s, i + m):
                    continue
                out.append(s[i:i + m] if r.repl is None else r.repl)
                i += m
                break
            else:
                out.append(s[i])
                i += 1
        return ''.join(out)

    def is_common(self, key):
        if self.common is None:
            self.common = set(self._rewrite(w) for w in self.r.lists['common'])
        return key in self.common

    # -- whole names
    def key(self, name):
        toks = self.tokens(name)
        sel = self.r.settings['select']
        if sel == 'first-last' and len(toks) > 2:
            last = len(toks) - 1
            while last > 1 and toks[last] in self.r.lists['common']:
                last -= 1
            toks = [toks[0], toks[last]]
        ks = [k for k in (self.token_key(t) for t in toks) if k]
        if not self.ordered:
            ks.sort()
        return ' '.join(ks)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rules', default=DEFAULT_RULES)
    ap.add_argument('--lang', default='auto')
    ap.add_argument('--ordered', action='store_true')
    ap.add_argument('cmd', choices=('key', 'tokens', 'match'))
    ap.add_argument('args', nargs='*')
    ap.add_argument('--pairs')
    ap.add_argument('--explain', action='store_true')
    a = ap.parse_intermixed_args()
    try:
        rules = Rules(a.rules, a.lang)
    except RuleError as e:
        sys.exit('onomakey: error: %s' % e)
    k = Keyer(rules, a.ordered)
    out = sys.stdout
    if a.cmd in ('key', 'tokens'):
        srcs = a.args or ['-']
        for src in srcs:
            fh = sys.stdin if src == '-' else open(src, encoding='utf-8', errors='replace')
            for line in fh:
                line = line.rstrip('\n').rstrip('\r')
                if a.cmd == 'key':
                    out.write(k.key(line) + '\n')
                else:
                    out.write(' '.join('%s=%s' % (t, k.token_key(t)) for t in k.tokens(line)) + '\n')
    else:
        from onomamatch import match, THRESHOLD
        if a.pairs:
            fh = sys.stdin if a.pairs == '-' else open(a.pairs, encoding='utf-8', errors='replace')
            for line in fh:
                f = line.rstrip('\n').rstrip('\r').split('\t')
                x, y = (f + ['', ''])[:2]
                lines = [] if a.explain else None
                sc = match(k, x, y, lines)
                out.write('%.4f\t%s\n' % (sc, 'same' if sc >= THRESHOLD else 'different'))
                if lines:
                    for l in lines:
                        out.write('#\t' + l + '\n')
        else:
            if len(a.args) != 2:
                sys.exit('onomakey: error: match needs NAME1 NAME2 or --pairs')
            lines = []
            sc = match(k, a.args[0], a.args[1], lines)
            out.write('%.4f\t%s\n' % (sc, 'same' if sc >= THRESHOLD else 'different'))
            if a.explain:
                for l in lines:
                    out.write(l + '\n')


if __name__ == '__main__':
    main()
