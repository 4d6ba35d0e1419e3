/* The compiled table: one little-endian binary image, the same in a file
 * (opened by mmap) and in memory (a text table compiled on load). All
 * offsets are from the start of the image; strings live in one pool.
 *
 * Two hash indexes map keys to entries: the exact index (spellings byte for
 * byte) and the fold index (spellings after onoma__fold). Every key also
 * registers its prefixes that end at a word end, flagged LONGER, so that the
 * matcher can grow a span word by word and stop as soon as no key can
 * continue it. A bitmap filter over the keys' first words lets the matcher
 * skip most words of running text with one memory access, and a bitmap over
 * the first two bytes of the keys lets it skip most words before even
 * looking for their end (see onoma__pair_index). */
#ifndef ONOMA_TABLE_FORMAT_H
#define ONOMA_TABLE_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ONOMA__TABLE_MAGIC "ONOMATBL"
#define ONOMA__TABLE_FORMAT 2
#define ONOMA__HASH_PROBE "onoma hash probe"

enum { ONOMA__IDX_EXACT = 0, ONOMA__IDX_FOLD = 1 };

typedef struct onoma__str {
    uint32_t off, len;
} onoma__str;

typedef struct onoma__index_hdr {
    uint64_t slots_off;   /* (mask + 1) slots; 0 when the index was not built */
    uint64_t filter_off;  /* 1 << filter_log2 bits */
    uint64_t pair_off;    /* 65536 bits: the first two bytes a matching word can start with */
    uint64_t lpair_off;   /* words starting with a lower-case ASCII letter (fold index): 65536 bits
                             like pair, from the spellings written in lower case only */
    uint64_t lpre_off;    /* the same words, more selective: 1 << lpre_log2 bits over
                             onoma__prefix_hash of their first bytes */
    uint32_t lpre_log2;
    uint32_t reserved2_;
    uint64_t cont_off;    /* 1 << cont_log2 bits: onoma__cont_bit(prefix hash, next word's pair) */
    uint32_t cont_log2;
    uint32_t reserved_;
    uint32_t mask;
    uint32_t filter_log2;
    uint32_t max_key_len; /* bytes */
    uint32_t nkeys;       /* slots in use */
} onoma__index_hdr;

typedef struct onoma__table_hdr {
    char magic[8];
    uint32_t format;
    uint32_t fold_version;
    char unicode[16];
    uint64_t size;
    uint32_t nsources, nentries, nstyles, ntargets;
    uint64_t strings_off, strings_len;
    uint64_t sources_off;
    uint64_t entries_off;
    uint64_t styles_off;    /* nstyles onoma__str: style names (not "default") */
    uint64_t forms_off;     /* nentries * nstyles onoma__str; len 0 = no form of its own */
    uint64_t targets_off;   /* ntargets uint32 */
    uint64_t ids_off;       /* (ids_mask + 1) uint32: entry index + 1, 0 = empty */
    uint32_t ids_mask;
    uint32_t noverrides;    /* style-table records: onoma__override */
    uint64_t overrides_off;
    onoma__index_hdr idx[2];
    uint64_t checksum; /* onoma__checksum of the image with this field zero */
    uint64_t hash_check; /* onoma__hash of ONOMA__HASH_PROBE: the index's hash function is part of the format */
    uint64_t keyix_off, keyix_len; /* the key index section (onoma__kix_hdr); 0, 0 when none */
} onoma__table_hdr;

enum { ONOMA__KIND_NAMES = 0, ONOMA__KIND_PAIRS = 1, ONOMA__KIND_STYLE = 2 };

typedef struct onoma__source_rec {
    onoma__str path, name, version, license, source;
    uint32_t kind;
    uint32_t entries, variants;
    uint32_t style; /* kind style: index into the style names */
} onoma__source_rec;

enum { ONOMA__TYPE_PERSON, ONOMA__TYPE_PLACE, ONOMA__TYPE_ORG, ONOMA__TYPE_NAME, ONOMA__TYPE_OTHER, ONOMA__NTYPES };

typedef struct onoma__entry_rec {
    onoma__str id, canonical;
    uint32_t type;
    uint32_t parent; /* entry index, or UINT32_MAX */
    uint32_t source;
    uint32_t line;
} onoma__entry_rec;

/* A record of a style table whose id is resolved at open time (the entity
 * may live in another table). */
typedef struct onoma__override {
    onoma__str id, form;
    uint32_t style;
    uint32_t source;
} onoma__override;

/* Slot flags (top 8 bits of len_flags). */
#define ONOMA__SLOT_KEY 0x1u    /* a spelling: targets holds its entries */
#define ONOMA__SLOT_LONGER 0x2u /* some longer key continues it */
#define ONOMA__SLOT_ONE 0x4u    /* a key of one target: targets holds the target itself */

typedef struct onoma__slot {
    uint32_t hash32;
    uint32_t key_off;
    uint32_t len_flags; /* key length (24 bits), flags (8 bits) */
    uint32_t targets;   /* index into targets: [count, t1, t2, ...] */
} onoma__slot;

/* A target: entry index << ONOMA__T_BITS | flags. */
#define ONOMA__T_BITS 5
#define ONOMA__T_MASK 0x1Fu
#define ONOMA__T_GUARDED 0x1u  /* common word: match only capitalised, next to a capitalised word */
#define ONOMA__T_SHARED 0x2u   /* may be claimed by several entities */
#define ONOMA__T_IDENTITY 0x4u /* the canonical or a style form of the entry */
#define ONOMA__T_LOWER 0x8u    /* spelled with a lower-case first letter (al-Muhandis), so it
                                  may match a word written in lower case */
#define ONOMA__T_CAPS 0x10u    /* spelled in capitals (ISIL, IRGC): capitals in the text are the
                                  spelling, not a style to carry over to the canonical form */

/* The key index section (normalize --fuzzy, src/normalize/keyix.c): for
 * one set of key rules (rules_digest: a hash of the rule files' names and
 * contents and of the key engine's version), the table's usable spellings
 * grouped by their name key, in two parts: spellings in Latin letters (0),
 * in other cased scripts (1). Offsets within a part are from the part's
 * start, parts' offsets from the section's start, so that the same bytes
 * serve in a file and in memory (an index built at run time). */
#define ONOMA__KIX_MAGIC "ONOMAKIX"
#define ONOMA__KIX_VERSION 1
#define ONOMA__KIX_ONE_WORDS 64 /* the filter of one-word keys: 64 x 64 bits */

typedef struct onoma__kix_hdr {
    char magic[8];
    uint32_t version;
    uint32_t reserved_;
    uint64_t rules_digest;
    uint64_t part_off[2], part_len[2]; /* part_len 0: no such part */
} onoma__kix_hdr;

typedef struct onoma__kix_part {
    uint32_t keys_mask; /* (keys_mask + 1) onoma__kix_key, open addressing from onoma__hash(key) >> 32 */
    uint32_t ngroups, nrecs;
    uint32_t kh_mask; /* (kh_mask + 1) onoma__kix_kh */
    uint32_t many_log2; /* the filter of longer keys: 1 << many_log2 bits (12..24) */
    uint32_t reserved_;
    uint64_t keys_off, keystr_off, keystr_len, groups_off, recs_off, words_off, words_len, kh_off, one_off, many_off;
} onoma__kix_part;

typedef struct onoma__kix_key {
    uint32_t hash32; /* (uint32_t)onoma__hash(key) */
    uint32_t off, len; /* in the part's key strings; len 0: empty slot */
    uint32_t group;
} onoma__kix_key;

typedef struct onoma__kix_group {
    uint32_t first, n; /* records [first, first + n) */
    uint32_t nwords;   /* bit w - 1: a spelling of w words (w <= 32) has the key */
} onoma__kix_group;

typedef struct onoma__kix_rec {
    uint32_t entry;
    uint32_t spelling, len; /* in the layer's string pool */
    uint32_t words;  /* its nwords folded words, each ended by a NUL, in the part's words */
    uint32_t nwords; /* words as written (al-Muhandis: 2) */
} onoma__kix_rec;

/* The keys by an order-free hash of their token keys (see fuzzy.c): h 0 is
 * an empty slot; nwords as in the group (or'ed over keys of one hash). */
typedef struct onoma__kix_kh {
    uint32_t h, nwords;
} onoma__kix_kh;

/* A fast checksum of an image (four independent lanes of multiply-xor over
 * 64-bit words), to refuse damaged files with a clear message. */
static inline uint64_t onoma__checksum(const unsigned char *p, size_t n)
{
    uint64_t a = 0x243F6A8885A308D3ull, b = 0x13198A2E03707344ull, c = 0xA4093822299F31D0ull,
             d = 0x082EFA98EC4E6C89ull;
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        uint64_t w[4];
        memcpy(w, p + i, 32);
        a = (a ^ w[0]) * k;
        b = (b ^ w[1]) * k;
        c = (c ^ w[2]) * k;
        d = (d ^ w[3]) * k;
        a ^= a >> 29;
        b ^= b >> 29;
        c ^= c >> 29;
        d ^= d >> 29;
    }
    for (; i < n; i++)
        a = (a ^ p[i]) * k;
    uint64_t h = a ^ (b * 3) ^ (c * 5) ^ (d * 7) ^ n;
    return (h ^ (h >> 31)) * k;
}

/* The pair filter's index for a word starting with bytes b0 b1 (b1 = 0 when
 * the word has one byte): ASCII bytes as they are (lower-cased for the fold
 * index), any byte >= 0x80 as 0x80, a non-word second byte as 0. A word
 * whose first byte is >= 0x80 is never filtered out. */
static inline unsigned onoma__pair_class(unsigned char b, int fold, const unsigned char *word_tab)
{
    if (b >= 0x80)
        return 0x80;
    if (!word_tab[b])
        return 0;
    return fold && b >= 'A' && b <= 'Z' ? b + 32u : b;
}

/* Hash of a word's first bytes for the lower-case filter: up to 4 bytes,
 * ASCII letters lowered, ended by a non-word byte; a byte >= 0x80 counts as
 * 0x80 and ends it. (A table key also registers its prefixes ended by 0x80
 * at positions 1..3, for text whose character there folds to ASCII.) */
static inline uint32_t onoma__prefix_hash(const unsigned char *s, size_t n, const unsigned char *word_tab)
{
    uint32_t v = 0;
    for (size_t i = 0; i < 4 && i < n; i++) {
        unsigned b = s[i];
        if (b >= 0x80) {
            v = v << 8 | 0x80;
            break;
        }
        if (!word_tab[b])
            break;
        v = v << 8 | (b >= 'A' && b <= 'Z' ? b + 32u : b);
    }
    return (v ^ (v >> 15)) * 0x9E3779B1u;
}

/* The continuation filter's bit: may the key prefix with hash h go on with
 * a word that starts with pair index pair? */
static inline uint64_t onoma__cont_bit(uint64_t h, unsigned pair, uint32_t log2)
{
    return ((h ^ ((uint64_t)pair << 40)) * 0xD6E8FEB86659FD93ull) >> (64 - log2);
}

#endif
