/* Reading input as UTF-8 whatever its encoding: a byte-order mark is
 * recognised by default (UTF-8, UTF-16 LE/BE), --from-encoding NAME
 * converts through iconv, "auto" asks ICU's charset detector (ucsdet). A
 * byte sequence that is invalid in the encoding stops the reading with its
 * byte offset in the input, or is kept or replaced by U+FFFD. */
#ifndef ONOMA_IO_DECODE_H
#define ONOMA_IO_DECODE_H

#include <stddef.h>

#include "onoma.h"

#define ONOMA__DECODE_KEEP (1u << 0)          /* invalid sequences: passed through as they are */
#define ONOMA__DECODE_REPLACE (1u << 1)       /* invalid sequences: U+FFFD */
#define ONOMA__DECODE_KEEP_UTF8_BOM (1u << 2) /* a UTF-8 byte-order mark stays in the text */

typedef struct onoma__reader onoma__reader;

/* encoding: NULL or "" for UTF-8 (a BOM still decides), "auto", or a name
 * iconv knows ("CP1256", "KOI8-R", "UTF-16", ...). The reader takes over
 * nothing: fd stays the caller's. Fails with ONOMA_EENCODING for a name
 * iconv does not know or a detection that finds nothing. */
int onoma__reader_open(onoma__reader **out, int fd, const char *name, const char *encoding, unsigned flags,
                       onoma_error *err);
void onoma__reader_close(onoma__reader **r);

/* Up to cap bytes of UTF-8 (an onoma_read_fn with the reader as ctx):
 * the number of bytes, 0 at the end, or a negative error whose details
 * are in onoma__reader_error. */
long onoma__reader_read(void *reader, char *buf, size_t cap);
const onoma_error *onoma__reader_error(const onoma__reader *r);

/* The encoding read ("UTF-8", "UTF-16LE", "windows-1256", ...). */
const char *onoma__reader_encoding(const onoma__reader *r);
/* The detector's confidence (0-100) with "auto", else -1. */
int onoma__reader_confidence(const onoma__reader *r);
/* 1 when the bytes of fd from its current position are the text itself
 * (UTF-8, nothing read ahead): the caller may read fd directly. */
int onoma__reader_direct(const onoma__reader *r);

#endif
