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

#include <stdint.h>

#define ONOMA__TABLE_MAGIC "ONOMATBL"
#define ONOMA__TABLE_FORMAT 1

enum { ONOMA__IDX_EXACT = 0, ONOMA__IDX_FOLD = 1 };

typedef struct onoma__str {
    uint32_t off, len;
} onoma__str;

typedef struct onoma__index_hdr {
    uint64_t slots_off;   /* (mask + 1) slots; 0 when the index was not built */
    uint64_t filter_off;  /* 1 << filter_log2 bits */
    uint64_t pair_off;    /* 65536 bits: the first two bytes a matching word can start with */
    uint64_t lpair_off;   /* the same for words starting with a lower-case ASCII letter (fold index) */
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
    uint64_t reserved[4];
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

typedef struct onoma__slot {
    uint32_t hash32;
    uint32_t key_off;
    uint32_t len_flags; /* key length (24 bits), flags (8 bits) */
    uint32_t targets;   /* index into targets: [count, t1, t2, ...] */
} onoma__slot;

/* A target: entry index << ONOMA__T_BITS | flags. */
#define ONOMA__T_BITS 4
#define ONOMA__T_MASK 0xFu
#define ONOMA__T_GUARDED 0x1u  /* common word: match only capitalised, next to a capitalised word */
#define ONOMA__T_SHARED 0x2u   /* may be claimed by several entities */
#define ONOMA__T_IDENTITY 0x4u /* the canonical or a style form of the entry */
#define ONOMA__T_LOWER 0x8u    /* spelled with a lower-case first letter (al-Muhandis), so it
                                  may match a word written in lower case */

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

/* The continuation filter's bit: may the key prefix with hash h go on with
 * a word that starts with pair index pair? */
static inline uint64_t onoma__cont_bit(uint64_t h, unsigned pair, uint32_t log2)
{
    return ((h ^ ((uint64_t)pair << 40)) * 0xD6E8FEB86659FD93ull) >> (64 - log2);
}

#endif
