"""Reference implementation (prototype) of onoma's name match score.

match(keyer, a, b, explain=None) -> score in [0, 1]; a pair is "same" when
score >= THRESHOLD.  src/key/match.c implements the same algorithm; see
docs/keys.md for the description.
"""

THRESHOLD = 0.86

# token similarity: equal keys 1.0; otherwise Jaro-Winkler of the keys and of
# the plain tokens, each discounted, the larger wins
KEY_JW_WEIGHT = 1.0
RAW_JW_WEIGHT = 0.85
SIM_MAX_LEN = 64
MAX_TOKENS = 32
TOKEN_FLOOR = 0.70       # weaker token pairs are not aligned at all
OMIT_PENALTY = 0.04      # per token left unmatched (either name)
FINE_DIFF = 0.80         # equal keys whose finer forms differ
COMMON_CAP = 0.85        # when tokens are left out and only common ones match
JOIN_FACTOR = 0.97       # two tokens joined against one
SINGLE_CAP = 0.80        # a one-word name against a longer one
ONE_TOKEN_CAP = 0.75     # at most this when only one token matches but both have >= 2


def jaro_winkler(s1, s2):
    if s1 == s2:
        return 1.0
    l1, l2 = len(s1), len(s2)
    if not l1 or not l2:
        return 0.0
    rng = max(l1, l2) // 2 - 1
    if rng < 0:
        rng = 0
    f1 = [False] * l1
    f2 = [False] * l2
    m = 0
    for i in range(l1):
        lo = i - rng if i > rng else 0
        hi = i + rng + 1 if i + rng + 1 < l2 else l2
        c = s1[i]
        for j in range(lo, hi):
            if not f2[j] and s2[j] == c:
                f1[i] = f2[j] = True
                m += 1
                break
    if not m:
        return 0.0
    t = 0
    k = 0
    for i in range(l1):
        if f1[i]:
            while not f2[k]:
                k += 1
            if s1[i] != s2[k]:
                t += 1
            k += 1
    t //= 2
    j = (m / l1 + m / l2 + (m - t) / m) / 3.0
    if j <= 0.7:
        return j
    p = 0
    for x in range(min(4, l1, l2)):
        if s1[x] != s2[x]:
            break
        p += 1
    return j + p * 0.1 * (1.0 - j)


def lev_sim(a, b):
    """1 - Levenshtein distance / length of the longer string"""
    la, lb = len(a), len(b)
    if not la or not lb:
        return 1.0 if la == lb else 0.0
    prev = list(range(lb + 1))
    for i in range(1, la + 1):
        cur = [i] + [0] * lb
        ca = a[i - 1]
        for j in range(1, lb + 1):
            d = prev[j - 1] + (0 if ca == b[j - 1] else 1)
            if prev[j] + 1 < d:
                d = prev[j] + 1
            if cur[j - 1] + 1 < d:
                d = cur[j - 1] + 1
            cur[j] = d
        prev = cur
    return 1.0 - prev[lb] / (la if la > lb else lb)


KEY_SIM = lev_sim
RAW_SIM = jaro_winkler


def token_sim(keyer, ra, ka, rb, kb):
    if ka == kb:
        if not ka:
            return 0.0
        # equal keys, but the finer forms tell Hassan from Hossein
        return 1.0 if keyer.token_fine(ra) == keyer.token_fine(rb) else FINE_DIFF
    # similarities look at most at SIM_MAX_LEN characters (a pathological
    # token must not cost quadratic time)
    n = SIM_MAX_LEN
    s1 = KEY_JW_WEIGHT * KEY_SIM(ka[:n], kb[:n])
    s2 = RAW_JW_WEIGHT * RAW_SIM(ra[:n], rb[:n])
    return s1 if s1 > s2 else s2


def _units(keyer, toks):
    """tokens plus joined neighbours (a split compound meets a solid one)"""
    units = []
    for i, t in enumerate(toks):
        units.append((t, keyer.token_key(t), i, i))
    for i in range(len(toks) - 1):
        t = toks[i] + toks[i + 1]
        units.append((t, keyer.token_key(t), i, i + 1))
    return units


def match(keyer, a, b, explain=None):
    # at most MAX_TOKENS tokens a name: the alignment is quadratic
    ta = keyer.tokens(a, True)[:MAX_TOKENS]
    tb = keyer.tokens(b, True)[:MAX_TOKENS]
    if not ta or not tb:
        if explain is not None:
            explain.append('no tokens')
        return 0.0
    ua = _units(keyer, ta)
    ub = _units(keyer, tb)
    cands = []
    for x, (ra, ka, a0, a1) in enumerate(ua):
        for y, (rb, kb, b0, b1) in enumerate(ub):
            if a0 != a1 and b0 != b1:
                continue          # two joined pairs: their parts are compared anyway
            if (a0 != a1 or b0 != b1) and ka != kb:
                continue          # a joined pair only counts with an equal key
            s = token_sim(keyer, ra, ka, rb, kb)
            if a0 != a1 or b0 != b1:
                s *= JOIN_FACTOR      # a single token wins over a joined pair
            if s >= TOKEN_FLOOR:
                # at equal similarity the earlier pair first (deterministic)
                cands.append((-s, a1 - a0 + b1 - b0, a0, b0, x, y))
    cands.sort()
    useda = [False] * len(ta)
    usedb = [False] * len(tb)
    pairs = []
    for negs, _w, _a0, _b0, x, y in cands:
        ra, ka, a0, a1 = ua[x]
        rb, kb, b0, b1 = ub[y]
        if any(useda[a0:a1 + 1]) or any(usedb[b0:b1 + 1]):
            continue
        for i in range(a0, a1 + 1):
            useda[i] = True
        for i in range(b0, b1 + 1):
            usedb[i] = True
        pairs.append((-negs, x, y))
    # score: matched tokens of the shorter name, weighted by the tokens
    # they cover; unmatched tokens of the shorter name count as 0
    na, nb = len(ta), len(tb)
    short = min(na, nb)
    total = 0.0
    covered = 0
    for s, x, y in pairs:
        ca = ua[x][3] - ua[x][2] + 1
        cb = ub[y][3] - ub[y][2] + 1
        c = ca if na <= nb else cb
        total += s * c
        covered += 1
    mean = total / short if short else 0.0
    score = mean
    if score > 1.0:
        score = 1.0
    if (na == 1) != (nb == 1) and score > SINGLE_CAP:
        score = SINGLE_CAP
    # a token left out is fine when the tokens that do match say something;
    # matching only very common name elements (Muhammad, Ali) is not enough
    if (not all(useda) or not all(usedb)) and score > COMMON_CAP and \
            all(keyer.is_common(ua[x][1]) or keyer.is_common(ub[y][1]) for s, x, y in pairs):
        score = COMMON_CAP
    # each token left out (a dropped middle name, a patronymic) costs a little
    for used in (useda, usedb):
        for u in used:
            if not u:
                score -= OMIT_PENALTY
    if na >= 2 and nb >= 2 and covered < 2 and score > ONE_TOKEN_CAP:
        score = ONE_TOKEN_CAP
    if score < 0.0:
        score = 0.0
    if explain is not None:
        for s, x, y in sorted(pairs, key=lambda p: (ua[p[1]][2], ub[p[2]][2])):
            explain.append('%s [%s] ~ %s [%s] %.3f' % (ua[x][0], ua[x][1], ub[y][0], ub[y][1], s))
        for i, t in enumerate(ta):
            if not useda[i]:
                explain.append('%s [%s] unmatched (1st name)' % (t, keyer.token_key(t)))
        for i, t in enumerate(tb):
            if not usedb[i]:
                explain.append('%s [%s] unmatched (2nd name)' % (t, keyer.token_key(t)))
        explain.append('score %.4f' % score)
    return score
