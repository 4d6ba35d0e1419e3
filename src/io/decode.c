#include "io/decode.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/ucsdet.h>

#include "common/buf.h"
#include "common/error.h"

#define RAW_CHUNK (1u << 16)
#define SNIFF (1u << 16) /* bytes the detector looks at */

struct onoma__reader {
    int fd;
    char *name;
    unsigned flags;
    char enc[64];
    int confidence;
    int utf8;      /* no conversion */
    int direct;    /* UTF-8 and nothing read ahead */
    iconv_t cd;
    onoma__buf raw;   /* bytes read, not yet converted */
    size_t raw_pos;   /* converted up to here */
    unsigned long long raw_off; /* input offset of raw.data[0] */
    int eof;
    int strip_bom;    /* drop a U+FEFF at the start of the decoded text */
    unsigned long long lines; /* line ends delivered */
    onoma__buf out;   /* converted, not yet delivered */
    size_t out_pos;
    onoma_error err;
    int failed;
};

static long fail(onoma__reader *r, int code, unsigned long long off, const char *what)
{
    onoma__error(&r->err, code, r->name, r->lines + 1, off, "%s %s at byte %llu (line %llu)", what, r->enc, off,
                 r->lines + 1);
    r->failed = 1;
    return code;
}

/* Read into r->raw until it holds at least want bytes past raw_pos, or the end. */
static int fill(onoma__reader *r, size_t want)
{
    while (!r->eof && r->raw.len - r->raw_pos < want) {
        if (r->raw_pos && r->raw_pos == r->raw.len) {
            r->raw_off += r->raw_pos;
            r->raw.len = r->raw_pos = 0;
        } else if (r->raw_pos > RAW_CHUNK) {
            memmove(r->raw.data, r->raw.data + r->raw_pos, r->raw.len - r->raw_pos);
            r->raw.len -= r->raw_pos;
            r->raw_off += r->raw_pos;
            r->raw_pos = 0;
        }
        if (onoma__buf_reserve(&r->raw, RAW_CHUNK))
            return ONOMA_ENOMEM;
        ssize_t n = read(r->fd, r->raw.data + r->raw.len, r->raw.cap - r->raw.len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            onoma__error(&r->err, ONOMA_EIO, r->name, 0, r->raw_off + r->raw.len, "read error: %s", strerror(errno));
            r->failed = 1;
            return ONOMA_EIO;
        }
        if (n == 0)
            r->eof = 1;
        r->raw.len += (size_t)n;
    }
    return 0;
}

/* UTF-16 without a byte-order mark: the high byte of each unit varies less
 * than the low one (text stays mostly in one block). */
static const char *utf16_order(const unsigned char *s, size_t n)
{
    unsigned char seen[2][256];
    memset(seen, 0, sizeof seen);
    size_t distinct[2] = {0, 0};
    for (size_t i = 0; i + 1 < n && i < SNIFF; i++)
        if (!seen[i & 1][s[i]]) {
            seen[i & 1][s[i]] = 1;
            distinct[i & 1]++;
        }
    return distinct[0] < distinct[1] ? "UTF-16BE" : "UTF-16LE";
}

static int is_utf8_name(const char *e)
{
    return strcasecmp(e, "UTF-8") == 0 || strcasecmp(e, "UTF8") == 0;
}

/* ICU detector names that iconv spells otherwise. */
static void iconv_name(const char *icu, char *out, size_t cap)
{
    snprintf(out, cap, "%s", icu);
    char *p = strstr(out, "_rtl");
    if (!p)
        p = strstr(out, "_ltr");
    if (p)
        *p = 0;
    if (strcasecmp(out, "ISO-8859-8-I") == 0)
        snprintf(out, cap, "ISO-8859-8");
}

static int detect(onoma__reader *r, onoma_error *err)
{
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *d = ucsdet_open(&st);
    if (U_FAILURE(st))
        return onoma__error(err, ONOMA_EICU, r->name, 0, 0, "cannot open the charset detector: %s", u_errorName(st));
    size_t n = r->raw.len - r->raw_pos;
    ucsdet_setText(d, r->raw.data + r->raw_pos, (int32_t)(n < SNIFF ? n : SNIFF), &st);
    const UCharsetMatch *m = U_SUCCESS(st) ? ucsdet_detect(d, &st) : NULL;
    const char *name = m && U_SUCCESS(st) ? ucsdet_getName(m, &st) : NULL;
    int conf = m && U_SUCCESS(st) ? ucsdet_getConfidence(m, &st) : 0;
    int rc = 0;
    if (!name || U_FAILURE(st))
        rc = onoma__error(err, ONOMA_EENCODING, r->name, 0, 0, "cannot tell the encoding%s",
                          n ? "" : " of an empty input");
    else {
        iconv_name(name, r->enc, sizeof r->enc);
        r->confidence = conf;
    }
    ucsdet_close(d);
    return rc;
}

int onoma__reader_open(onoma__reader **out, int fd, const char *name, const char *encoding, unsigned flags,
                       onoma_error *err)
{
    *out = NULL;
    onoma__reader *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(name ? name : "-"))) {
        free(r);
        return onoma__error(err, ONOMA_ENOMEM, name, 0, 0, NULL);
    }
    r->fd = fd;
    r->flags = flags;
    r->cd = (iconv_t)-1;
    r->confidence = -1;
    int rc = 0;
    int auto_ = encoding && strcasecmp(encoding, "auto") == 0;
    int plain = !encoding || !*encoding || is_utf8_name(encoding);
    int utf16 = encoding && (strcasecmp(encoding, "UTF-16") == 0 || strcasecmp(encoding, "UTF16") == 0);
    struct stat sb;
    int seekable = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && lseek(fd, 0, SEEK_CUR) >= 0;
    if (plain && seekable) {
        /* look at the first bytes without taking them */
        unsigned char b[3] = {0, 0, 0};
        off_t at = lseek(fd, 0, SEEK_CUR);
        ssize_t n = pread(fd, b, 3, at);
        if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
            if (!(flags & ONOMA__DECODE_KEEP_UTF8_BOM))
                lseek(fd, 3, SEEK_CUR);
            snprintf(r->enc, sizeof r->enc, "UTF-8");
            r->utf8 = r->direct = 1;
            *out = r;
            return 0;
        }
        if (!(n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))) {
            snprintf(r->enc, sizeof r->enc, "UTF-8");
            r->utf8 = r->direct = 1;
            *out = r;
            return 0;
        }
    }
    /* read ahead: a byte-order mark, or what the detector needs */
    if ((rc = fill(r, auto_ ? SNIFF : 4))) {
        if (err)
            *err = r->err;
        onoma__reader_close(&r);
        return rc;
    }
    const unsigned char *s = (const unsigned char *)r->raw.data;
    size_t n = r->raw.len;
    const char *bom = NULL;
    size_t bom_len = 0;
    if (n >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        bom = "UTF-8", bom_len = 3;
    else if (n >= 2 && s[0] == 0xFF && s[1] == 0xFE)
        bom = "UTF-16LE", bom_len = 2;
    else if (n >= 2 && s[0] == 0xFE && s[1] == 0xFF)
        bom = "UTF-16BE", bom_len = 2;
    if (bom && (plain || auto_ || utf16 || strncasecmp(encoding, bom, 6) == 0)) {
        /* the mark decides (and is not part of the text) */
        snprintf(r->enc, sizeof r->enc, "%s", bom);
        if (!(strcmp(bom, "UTF-8") == 0 && (flags & ONOMA__DECODE_KEEP_UTF8_BOM)))
            r->raw_pos = bom_len;
    } else if (auto_) {
        if ((rc = detect(r, err))) {
            onoma__reader_close(&r);
            return rc;
        }
    } else if (plain) {
        snprintf(r->enc, sizeof r->enc, "UTF-8");
    } else if (utf16) {
        snprintf(r->enc, sizeof r->enc, "%s", utf16_order(s, n));
    } else {
        snprintf(r->enc, sizeof r->enc, "%s", encoding);
    }
    if (is_utf8_name(r->enc)) {
        r->utf8 = 1;
    } else {
        r->cd = iconv_open("UTF-8", r->enc);
        if (r->cd == (iconv_t)-1) {
            rc = onoma__error(err, ONOMA_EENCODING, NULL, 0, 0, "unknown encoding '%s' (iconv -l lists the names)",
                              r->enc);
            onoma__reader_close(&r);
            return rc;
        }
        r->strip_bom = 1; /* UTF-16LE named explicitly, with a mark: iconv keeps it as U+FEFF */
    }
    *out = r;
    return 0;
}

void onoma__reader_close(onoma__reader **rp)
{
    if (!rp || !*rp)
        return;
    onoma__reader *r = *rp;
    if (r->cd != (iconv_t)-1)
        iconv_close(r->cd);
    onoma__buf_free(&r->raw);
    onoma__buf_free(&r->out);
    free(r->name);
    free(r);
    *rp = NULL;
}

static void count_lines(onoma__reader *r, const char *p, size_t n)
{
    for (const char *q = p, *end = p + n; (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
        r->lines++;
}

/* Convert the next piece into r->out: its length, 0 at the end, or an error. */
static long convert(onoma__reader *r)
{
    const size_t cap = 1u << 16;
    if (onoma__buf_reserve(&r->out, cap))
        return ONOMA_ENOMEM;
    char *buf = r->out.data;
    size_t outn = 0;
    while (outn == 0) {
        int rc = fill(r, 16);
        if (rc)
            return rc;
        if (r->raw_pos == r->raw.len && r->eof)
            return 0;
        char *in = r->raw.data + r->raw_pos;
        size_t inleft = r->raw.len - r->raw_pos;
        char *o = buf;
        size_t oleft = cap;
        size_t res = iconv(r->cd, &in, &inleft, &o, &oleft);
        int e = errno;
        size_t used = (size_t)(in - (r->raw.data + r->raw_pos));
        unsigned long long bad_off = r->raw_off + r->raw_pos + used;
        r->raw_pos += used;
        outn = (size_t)(o - buf);
        if (res == (size_t)-1 && (e == EILSEQ || (e == EINVAL && r->eof))) {
            if (outn)
                break; /* deliver what came before; the bad bytes next time */
            if (!(r->flags & (ONOMA__DECODE_KEEP | ONOMA__DECODE_REPLACE)))
                return fail(r, ONOMA_EENCODING, bad_off, e == EILSEQ ? "invalid byte sequence for" : "incomplete character of");
            if (r->flags & ONOMA__DECODE_REPLACE) {
                memcpy(buf, "\xEF\xBF\xBD", 3);
                outn = 3;
            } else {
                buf[0] = r->raw.data[r->raw_pos];
                outn = 1;
            }
            r->raw_pos++;
            iconv(r->cd, NULL, NULL, NULL, NULL);
        } else if (res == (size_t)-1 && e == EINVAL && !outn) {
            /* a character cut by the end of what was read: read more */
            size_t have = r->raw.len - r->raw_pos;
            if ((rc = fill(r, have + 1)))
                return rc;
            continue;
        }
    }
    if (r->strip_bom) {
        r->strip_bom = 0;
        if (outn >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
            memmove(buf, buf + 3, outn - 3);
            outn -= 3;
            if (!outn)
                return convert(r);
        }
    }
    count_lines(r, buf, outn);
    r->out.len = outn;
    return (long)outn;
}


long onoma__reader_read(void *ctx, char *buf, size_t cap)
{
    onoma__reader *r = ctx;
    if (r->failed)
        return r->err.code ? r->err.code : ONOMA_EIO;
    if (cap > (1u << 30))
        cap = 1u << 30;
    if (r->direct) {
        for (;;) {
            ssize_t n = read(r->fd, buf, cap);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                onoma__error(&r->err, ONOMA_EIO, r->name, 0, 0, "read error: %s", strerror(errno));
                r->failed = 1;
                return ONOMA_EIO;
            }
            return (long)n;
        }
    }
    if (r->utf8) {
        /* what was read ahead, then the rest */
        if (r->raw_pos < r->raw.len) {
            size_t n = r->raw.len - r->raw_pos;
            if (n > cap)
                n = cap;
            memcpy(buf, r->raw.data + r->raw_pos, n);
            r->raw_pos += n;
            return (long)n;
        }
        r->direct = 1;
        return onoma__reader_read(r, buf, cap);
    }
    if (r->out_pos == r->out.len) {
        r->out.len = r->out_pos = 0;
        long k = convert(r);
        if (k <= 0)
            return k;
    }
    size_t n = r->out.len - r->out_pos;
    if (n > cap)
        n = cap;
    memcpy(buf, r->out.data + r->out_pos, n);
    r->out_pos += n;
    return (long)n;
}

const onoma_error *onoma__reader_error(const onoma__reader *r) { return &r->err; }
const char *onoma__reader_encoding(const onoma__reader *r) { return r->enc; }
int onoma__reader_confidence(const onoma__reader *r) { return r->confidence; }
int onoma__reader_direct(const onoma__reader *r) { return r->direct; }
