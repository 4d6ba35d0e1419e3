/* onoma check: report (and fix) spellings of names that differ from the
 * house style, like a compiler's warnings; JSON Lines and SARIF for CI. */
#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unicode/uchar.h>

#include "check/check.h"
#include "check/config.h"
#include "cli/cli.h"
#include "common/hash.h"
#include "json/json.h"
#include "text/utf8.h"

static const char help[] =
    "Usage: onoma check [OPTIONS] [PATH...|-]\n"
    "\n"
    "Report where a text spells a name otherwise than the house style does, like\n"
    "a compiler's warnings: FILE:LINE:COL: warning: 'Suleimani' → 'Soleimani' ...\n"
    "PATHs may be folders: their text files are checked (.txt .md .markdown .rst\n"
    ".html .htm .tex; hidden files and folders are left out). Without a PATH, or\n"
    "with -, standard input is checked.\n"
    "\n"
    "  -s, --style STYLE        canonical forms of this house style (default: default)\n"
    "  -t, --table PATH         add a table (text or compiled); repeatable\n"
    "      --no-default-tables  do not load the bundled tables\n"
    "  -f, --format FORMAT      text (default; on standard error), jsonl or sarif\n"
    "                           (on standard output)\n"
    "      --fix                rewrite the files in place (atomically) with the fixes;\n"
    "                           ambiguous names and near misses are never fixed\n"
    "      --diff               print the fixes as a unified diff (patch -p0) and change\n"
    "                           nothing\n"
    "      --fuzzy              near misses count as findings (never fixed)\n"
    "      --no-near-miss       do not look for near misses\n"
    "      --near-places        near misses of every place, not only prominent ones\n"
    "      --include GLOB       check these files when recursing (replaces the default\n"
    "                           extensions); repeatable\n"
    "      --exclude GLOB       leave these files and folders out; repeatable\n"
    "      --ignore SPELLING    accept this spelling (or entity id) as it is; repeatable\n"
    "      --markup MARKUP      auto (by extension; default), text, markdown, html, rst, tex\n"
    "      --stdin-filename NAME  the name of standard input (messages, .onoma, markup)\n"
    "      --no-config          do not read .onoma files\n"
    "      --exact, --no-guard, --any-case, --cross-script\n"
    "                           matching as in onoma normalize\n"
    "      --color=WHEN         colour the text format: auto (a terminal), always, never\n"
    "      --caret=WHEN         show the line with a caret under the name: auto (a\n"
    "                           terminal), always, never\n"
    "  -q, --quiet              no summary line\n"
    "      --from-encoding ENC  read files in ENC (CP1256, KOI8-R, UTF-16, ..., or auto);\n"
    "                           a UTF-8/UTF-16 byte-order mark is recognised anyway.\n"
    "                           Positions are in the text read as UTF-8; --fix writes\n"
    "                           the file back in its own encoding\n"
    "      --verbose            say which encoding each file was read in\n"
    "  -h, --help               show this help\n"
    "\n"
    "Markdown, HTML, reST and TeX: code, URLs, tags and math are not checked; an\n"
    "'onoma-ignore' comment skips its line (or the next one when it stands alone),\n"
    "'onoma-disable' ... 'onoma-enable' a block (<!-- --> in Markdown/HTML, '..' in\n"
    "reST, % in TeX, anywhere on a line in plain text).\n"
    "Configuration: .onoma files (key = value: style, tables, include, exclude,\n"
    "ignore, fuzzy, markup, ...), found by walking up from each file; the command\n"
    "line wins. See docs/check.md.\n"
    "Symbolic links to files are followed: --fix rewrites the target and keeps the\n"
    "link; links to folders are not followed when recursing.\n"
    "Exit status: 0 no findings, 1 findings (with --fix: findings left unfixed) or a\n"
    "file that could not be checked or fixed, 2 usage error.\n";

enum { FMT_TEXT, FMT_JSONL, FMT_SARIF };
enum { WHEN_AUTO, WHEN_ALWAYS, WHEN_NEVER };

typedef struct rule {
    char *id;
    size_t index;
} rule;

typedef struct state {
    int format, fix, diff, color, caret, quiet;
    cli_decode dec; /* --from-encoding, --verbose */
    onoma__project *proj;
    cli_out out;
    int out_open;
    const char *stdin_name;
    /* counts */
    size_t files, findings, fixed, notes, skipped, errors;
    int usage_error;
    int fatal; /* the tables could not be opened: nothing more can be checked */
    /* SARIF */
    onoma__buf line;
    size_t nresults;
    rule *rules;       /* hash table on id */
    size_t nrules, cap_rules;
    char **rule_order; /* ids by index */
    onoma__buf rules_json;
    onoma__buf notifications;
} state;

/* ---------------------------------------------------------------- output */

static int out_buf(state *st, onoma__buf *b)
{
    int rc = cli_out_write(&st->out, b->data, b->len);
    b->len = 0;
    return rc;
}

static const char *c_on(const state *st, const char *code) { return st->color ? code : ""; }
#define BOLD "\033[1m"
#define MAGENTA "\033[1;35m"
#define CYAN "\033[1;36m"
#define GREEN "\033[1;32m"
#define RESET "\033[0m"

/* Display width of a character in a terminal. */
static int char_width(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F)
        return 1; /* shown as a space */
    if (cp < 0x300)
        return 1;
    int8_t t = u_charType((UChar32)cp);
    if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR)
        return 0;
    int ea = u_getIntPropertyValue((UChar32)cp, UCHAR_EAST_ASIAN_WIDTH);
    return ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? 2 : 1;
}

/* Write s[a..b) for the caret display (control characters as spaces); add
 * its width to *w. */
static void put_plain(FILE *f, const char *s, size_t a, size_t b, size_t *w)
{
    for (size_t i = a; i < b;) {
        uint32_t cp;
        int l = onoma__utf8_decode((const unsigned char *)s + i, b - i, &cp);
        if (l <= 0) {
            fputc('?', f);
            i++;
            ++*w;
            continue;
        }
        if (cp < 0x20 || cp == 0x7F)
            fputc(' ', f);
        else
            fwrite(s + i, 1, (size_t)l, f);
        *w += (size_t)char_width(cp);
        i += (size_t)l;
    }
}

static size_t width_of(const char *s, size_t a, size_t b)
{
    size_t w = 0;
    for (size_t i = a; i < b;) {
        uint32_t cp;
        int l = onoma__utf8_decode((const unsigned char *)s + i, b - i, &cp);
        if (l <= 0) {
            w++;
            i++;
            continue;
        }
        w += (size_t)char_width(cp);
        i += (size_t)l;
    }
    return w;
}

/* Move back (or forward) over up to k characters from byte p. */
static size_t back_chars(const char *s, size_t lo, size_t p, size_t k)
{
    while (p > lo && k) {
        p--;
        while (p > lo && ((unsigned char)s[p] & 0xC0) == 0x80)
            p--;
        k--;
    }
    return p;
}

static size_t fwd_chars(const char *s, size_t hi, size_t p, size_t k)
{
    while (p < hi && k) {
        p++;
        while (p < hi && ((unsigned char)s[p] & 0xC0) == 0x80)
            p++;
        k--;
    }
    return p;
}

/* The line of the finding, with a caret under the span (long lines cut
 * around it). */
static void show_caret(const state *st, const char *text, size_t len, const onoma_finding *f)
{
    size_t a = (size_t)f->offset, b = a + (size_t)f->length;
    size_t ls = a, le = b;
    while (ls > 0 && text[ls - 1] != '\n')
        ls--;
    while (le < len && text[le] != '\n')
        le++;
    if (le > ls && text[le - 1] == '\r')
        le--;
    enum { CTX = 50 };
    size_t from = back_chars(text, ls, a, CTX), to = fwd_chars(text, le, b, CTX);
    char num[32];
    int nw = snprintf(num, sizeof num, "%llu", (unsigned long long)f->line);
    fprintf(stderr, " %*s | ", nw < 4 ? 4 : nw, num);
    size_t w = 0;
    if (from > ls) {
        fputs("…", stderr);
        w++;
    }
    put_plain(stderr, text, from, to, &w);
    if (to < le)
        fputs("…", stderr);
    fprintf(stderr, "\n %*s | ", nw < 4 ? 4 : nw, "");
    size_t pad = (from > ls) + width_of(text, from, a), span = width_of(text, a, b);
    for (size_t i = 0; i < pad; i++)
        fputc(' ', stderr);
    fputs(c_on(st, GREEN), stderr);
    fputc('^', stderr);
    for (size_t i = 1; i < span; i++)
        fputc('~', stderr);
    fprintf(stderr, "%s\n", c_on(st, RESET));
}

/* ":" and the decimal digits of v (the separator first). */
static size_t u64_str(char *out, uint64_t v, char sep)
{
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out[0] = sep;
    for (size_t i = 0; i < n; i++)
        out[1 + i] = tmp[n - 1 - i];
    return n + 1;
}

static void text_finding(state *st, const char *name, const char *text, size_t len, const onoma_finding *f,
                         const char *style, int fixed)
{
    const char *label, *col;
    if (fixed)
        label = "fixed", col = GREEN;
    else if (f->severity == ONOMA_SEVERITY_WARNING)
        label = "warning", col = MAGENTA;
    else
        label = "note", col = CYAN;
    /* built in one buffer: a big file can have hundreds of thousands */
    onoma__buf *b = &st->line;
    char num[48];
    b->len = 0;
    onoma__buf_puts(b, c_on(st, BOLD));
    onoma__buf_puts(b, name);
    onoma__buf_put(b, num, u64_str(num, f->line, ':'));
    onoma__buf_put(b, num, u64_str(num, f->column, ':'));
    onoma__buf_putc(b, ':');
    onoma__buf_puts(b, c_on(st, RESET));
    onoma__buf_putc(b, ' ');
    onoma__buf_puts(b, c_on(st, col));
    onoma__buf_puts(b, label);
    onoma__buf_putc(b, ':');
    onoma__buf_puts(b, c_on(st, RESET));
    onoma__buf_putc(b, ' ');
    onoma__check_message(b, f, style);
    onoma__buf_putc(b, '\n');
    fwrite(b->data, 1, b->len, stderr);
    if (st->caret)
        show_caret(st, text, len, f);
}

static const char *kind_name(int kind)
{
    return kind == ONOMA_FINDING_REWRITE ? "rewrite" : kind == ONOMA_FINDING_AMBIGUOUS ? "ambiguous" : "near-miss";
}

static void json_s(onoma__buf *b, const char *s) { onoma__json_put_str(b, s ? s : "", s ? strlen(s) : 0); }

static void put_field_u64(onoma__buf *b, const char *name, uint64_t v)
{
    char num[32];
    onoma__buf_puts(b, name);
    size_t n = u64_str(num, v, ':');
    onoma__buf_put(b, num + 1, n - 1);
}

static int jsonl_finding(state *st, const char *name, const onoma_finding *f, const char *style, int fixed)
{
    onoma__buf *b = &st->line;
    char num[256];
    b->len = 0;
    onoma__buf_puts(b, "{\"file\":");
    json_s(b, name);
    put_field_u64(b, ",\"line\":", f->line);
    put_field_u64(b, ",\"column\":", f->column);
    put_field_u64(b, ",\"end_line\":", f->line);
    put_field_u64(b, ",\"end_column\":", f->end_column);
    put_field_u64(b, ",\"offset\":", f->offset);
    put_field_u64(b, ",\"length\":", f->length);
    onoma__buf_puts(b, ",\"kind\":\"");
    onoma__buf_puts(b, kind_name(f->kind));
    onoma__buf_puts(b, f->severity == ONOMA_SEVERITY_WARNING ? "\",\"severity\":\"warning\",\"from\":"
                                                             : "\",\"severity\":\"note\",\"from\":");
    onoma__json_put_str(b, f->from, f->from_len);
    if (f->to) {
        onoma__buf_puts(b, ",\"to\":");
        onoma__json_put_str(b, f->to, f->to_len);
    }
    if (f->kind != ONOMA_FINDING_AMBIGUOUS) {
        onoma__buf_puts(b, ",\"id\":");
        json_s(b, f->id);
        onoma__buf_puts(b, ",\"entity\":");
        json_s(b, f->display);
        onoma__buf_puts(b, ",\"type\":");
        json_s(b, f->type);
    } else {
        onoma__buf_puts(b, ",\"candidates\":[");
        for (size_t i = 0; i < f->ncandidates; i++) {
            onoma__buf_puts(b, i ? ",{\"id\":" : "{\"id\":");
            json_s(b, f->candidates[i].id);
            onoma__buf_puts(b, ",\"canonical\":");
            json_s(b, f->candidates[i].canonical);
            onoma__buf_puts(b, ",\"entity\":");
            json_s(b, f->candidates[i].display);
            onoma__buf_putc(b, '}');
        }
        onoma__buf_putc(b, ']');
    }
    if (f->kind == ONOMA_FINDING_NEAR) {
        snprintf(num, sizeof num, ",\"via\":\"%s\",\"distance\":%u", f->near_via == ONOMA_NEAR_KEY ? "key" : "edit",
                 f->distance);
        onoma__buf_puts(b, num);
    }
    onoma__buf_puts(b, ",\"style\":");
    json_s(b, style);
    onoma__buf_puts(b, fixed ? ",\"fixed\":true}\n" : ",\"fixed\":false}\n");
    return out_buf(st, b);
}

/* ------------------------------------------------------------------ SARIF */

/* An artifact location: a relative path as a URI reference against
 * %SRCROOT% (the current folder), an absolute one as a file: URI. */
static void sarif_location(onoma__buf *b, const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    onoma__buf u = {0};
    int relative = name[0] != '/';
    if (!relative)
        onoma__buf_puts(&u, "file://");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        unsigned c = *p;
        if ((c | 32) >= 'a' && (c | 32) <= 'z' ? 1 : (c >= '0' && c <= '9') || strchr("-._~/", (int)c)) {
            onoma__buf_putc(&u, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            onoma__buf_put(&u, e, 3);
        }
    }
    onoma__buf_puts(b, "{\"uri\":");
    onoma__json_put_str(b, u.data ? u.data : "", u.len);
    onoma__buf_puts(b, relative ? ",\"uriBaseId\":\"%SRCROOT%\"}" : "}");
    onoma__buf_free(&u);
}

static void sarif_region(onoma__buf *b, const onoma_finding *f, int snippet)
{
    char num[256];
    snprintf(num, sizeof num,
             "{\"startLine\":%llu,\"startColumn\":%llu,\"endLine\":%llu,\"endColumn\":%llu,\"byteOffset\":%llu,"
             "\"byteLength\":%llu",
             (unsigned long long)f->line, (unsigned long long)f->column, (unsigned long long)f->line,
             (unsigned long long)f->end_column, (unsigned long long)f->offset, (unsigned long long)f->length);
    onoma__buf_puts(b, num);
    if (snippet) {
        onoma__buf_puts(b, ",\"snippet\":{\"text\":");
        onoma__json_put_str(b, f->from, f->from_len);
        onoma__buf_putc(b, '}');
    }
    onoma__buf_putc(b, '}');
}

/* The rule of a finding: one per entity, one for ambiguities, one for near
 * misses. Returns its index, adding it (with its description) if new. */
static size_t sarif_rule(state *st, const onoma_finding *f, const char *style)
{
    const char *id = onoma__check_rule(f);
    if (st->nrules * 2 >= st->cap_rules) {
        size_t nc = st->cap_rules ? st->cap_rules * 2 : 64;
        rule *nr = calloc(nc, sizeof *nr);
        char **no = realloc(st->rule_order, nc * sizeof *no);
        if (!nr || !no) {
            free(nr);
            if (no)
                st->rule_order = no;
            return 0;
        }
        st->rule_order = no;
        for (size_t i = 0; i < st->cap_rules; i++) {
            if (!st->rules[i].id)
                continue;
            uint64_t h = onoma__hash(st->rules[i].id, strlen(st->rules[i].id));
            size_t j = (size_t)h & (nc - 1);
            while (nr[j].id)
                j = (j + 1) & (nc - 1);
            nr[j] = st->rules[i];
        }
        free(st->rules);
        st->rules = nr;
        st->cap_rules = nc;
    }
    uint64_t h = onoma__hash(id, strlen(id));
    size_t j = (size_t)h & (st->cap_rules - 1);
    while (st->rules[j].id) {
        if (strcmp(st->rules[j].id, id) == 0)
            return st->rules[j].index;
        j = (j + 1) & (st->cap_rules - 1);
    }
    char *copy = strdup(id);
    if (!copy)
        return 0;
    st->rules[j].id = copy;
    st->rules[j].index = st->nrules;
    st->rule_order[st->nrules++] = copy;
    onoma__buf *b = &st->rules_json;
    onoma__buf_puts(b, st->nrules > 1 ? ",{\"id\":" : "{\"id\":");
    json_s(b, id);
    onoma__buf tmp = {0};
    if (f->kind == ONOMA_FINDING_REWRITE) {
        onoma__buf_puts(b, ",\"name\":");
        json_s(b, f->display);
        onoma__buf_puts(&tmp, "Spelling of ");
        onoma__buf_puts(&tmp, f->display);
        onoma__buf_puts(b, ",\"shortDescription\":{\"text\":");
        onoma__json_put_str(b, tmp.data, tmp.len);
        tmp.len = 0;
        onoma__buf_puts(&tmp, "The house style '");
        onoma__buf_puts(&tmp, style);
        onoma__buf_puts(&tmp, "' writes this name '");
        onoma__buf_puts(&tmp, f->canonical);
        onoma__buf_puts(&tmp, "'.");
        onoma__buf_puts(b, "},\"fullDescription\":{\"text\":");
        onoma__json_put_str(b, tmp.data, tmp.len);
        onoma__buf_puts(b, "},\"defaultConfiguration\":{\"level\":\"warning\"},\"properties\":{\"canonical\":");
        json_s(b, f->canonical);
        onoma__buf_puts(b, ",\"type\":");
        json_s(b, f->type);
        onoma__buf_puts(b, ",\"style\":");
        json_s(b, style);
        onoma__buf_puts(b, "}}");
    } else if (f->kind == ONOMA_FINDING_AMBIGUOUS) {
        onoma__buf_puts(b, ",\"name\":\"AmbiguousName\",\"shortDescription\":{\"text\":\"A spelling of several "
                           "entities\"},\"fullDescription\":{\"text\":\"The spelling names several entities whose "
                           "house-style forms differ; it is not rewritten.\"},\"defaultConfiguration\":{\"level\":"
                           "\"warning\"}}");
    } else {
        onoma__buf_puts(b, ",\"name\":\"NearMiss\",\"shortDescription\":{\"text\":\"A word that looks like a "
                           "known name\"},\"fullDescription\":{\"text\":\"A capitalised word that matches no known "
                           "spelling but is close to the canonical form of a known name; never fixed "
                           "automatically.\"},\"defaultConfiguration\":{\"level\":\"note\"}}");
    }
    onoma__buf_free(&tmp);
    return st->nrules - 1;
}

static int sarif_finding(state *st, const char *name, const onoma_finding *f, const char *style, int fixed)
{
    size_t ri = sarif_rule(st, f, style);
    onoma__buf *b = &st->line;
    char num[128];
    b->len = 0;
    onoma__buf_puts(b, st->nresults++ ? ",\n{\"ruleId\":" : "\n{\"ruleId\":");
    json_s(b, st->rule_order ? st->rule_order[ri] : "");
    snprintf(num, sizeof num, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"message\":{\"text\":", ri,
             f->severity == ONOMA_SEVERITY_WARNING ? "warning" : "note");
    onoma__buf_puts(b, num);
    onoma__buf msg = {0};
    onoma__check_message(&msg, f, style);
    onoma__json_put_str(b, msg.data, msg.len);
    onoma__buf_free(&msg);
    onoma__buf_puts(b, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":");
    sarif_location(b, name);
    onoma__buf_puts(b, ",\"region\":");
    sarif_region(b, f, 1);
    onoma__buf_puts(b, "}}]");
    if (f->fixable) {
        onoma__buf_puts(b, ",\"fixes\":[{\"description\":{\"text\":");
        onoma__buf d = {0};
        onoma__buf_puts(&d, "Replace '");
        onoma__buf_put(&d, f->from, f->from_len);
        onoma__buf_puts(&d, "' with '");
        onoma__buf_put(&d, f->to, f->to_len);
        onoma__buf_puts(&d, "'");
        onoma__json_put_str(b, d.data, d.len);
        onoma__buf_free(&d);
        onoma__buf_puts(b, "},\"artifactChanges\":[{\"artifactLocation\":");
        sarif_location(b, name);
        onoma__buf_puts(b, ",\"replacements\":[{\"deletedRegion\":");
        sarif_region(b, f, 0);
        onoma__buf_puts(b, ",\"insertedContent\":{\"text\":");
        onoma__json_put_str(b, f->to, f->to_len);
        onoma__buf_puts(b, "}}]}]}]");
    }
    onoma__buf_puts(b, ",\"properties\":{\"kind\":");
    json_s(b, kind_name(f->kind));
    onoma__buf_puts(b, ",\"from\":");
    onoma__json_put_str(b, f->from, f->from_len);
    if (f->to) {
        onoma__buf_puts(b, ",\"to\":");
        onoma__json_put_str(b, f->to, f->to_len);
    }
    onoma__buf_puts(b, ",\"style\":");
    json_s(b, style);
    onoma__buf_puts(b, fixed ? ",\"fixed\":true}}" : ",\"fixed\":false}}");
    return out_buf(st, b);
}

static int sarif_begin(state *st)
{
    onoma__buf *b = &st->line;
    b->len = 0;
    onoma__buf_puts(b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
                       "\"runs\":[{\"columnKind\":\"unicodeCodePoints\",\"originalUriBaseIds\":{\"%SRCROOT%\":"
                       "{\"uri\":");
    char *cwd = getcwd(NULL, 0);
    onoma__buf u = {0};
    onoma__buf_puts(&u, "file://");
    onoma__buf_puts(&u, cwd ? cwd : "/");
    if (u.data[u.len - 1] != '/')
        onoma__buf_putc(&u, '/');
    free(cwd);
    onoma__json_put_str(b, u.data, u.len);
    onoma__buf_free(&u);
    onoma__buf_puts(b, "}},\"results\":[");
    return out_buf(st, b);
}

static int sarif_end(state *st, int ok)
{
    onoma__buf *b = &st->line;
    b->len = 0;
    onoma__buf_puts(b, "\n],\"tool\":{\"driver\":{\"name\":\"onoma\",\"version\":");
    json_s(b, onoma_version());
    onoma__buf_puts(b, ",\"semanticVersion\":");
    json_s(b, onoma_version());
    onoma__buf_puts(b, ",\"rules\":[");
    if (st->rules_json.len)
        onoma__buf_put(b, st->rules_json.data, st->rules_json.len);
    onoma__buf_puts(b, "]}},\"invocations\":[{\"executionSuccessful\":");
    onoma__buf_puts(b, ok ? "true" : "false");
    onoma__buf_puts(b, ",\"toolExecutionNotifications\":[");
    if (st->notifications.len)
        onoma__buf_put(b, st->notifications.data, st->notifications.len);
    onoma__buf_puts(b, "]}]}]}\n");
    return out_buf(st, b);
}

/* A file that could not be checked: on standard error, and in SARIF. */
static void file_problem(state *st, const onoma_error *e, const char *level)
{
    if (strcmp(level, "error") == 0) {
        cli_report(e);
        st->errors++;
    } else {
        fprintf(stderr, "%s: note: %s: %s\n", cli_prog, e->file, e->message);
    }
    if (st->format != FMT_SARIF)
        return;
    onoma__buf *b = &st->notifications;
    onoma__buf_puts(b, b->len ? ",{\"level\":" : "{\"level\":");
    json_s(b, level);
    onoma__buf_puts(b, ",\"message\":{\"text\":");
    json_s(b, e->message[0] ? e->message : onoma_strerror(e->code));
    onoma__buf_puts(b, "}");
    if (e->file[0]) {
        onoma__buf_puts(b, ",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":");
        sarif_location(b, e->file);
        if (e->line) {
            char num[160];
            snprintf(num, sizeof num, ",\"region\":{\"startLine\":%llu,\"startColumn\":%llu,\"byteOffset\":%llu}",
                     (unsigned long long)e->line, (unsigned long long)(e->column ? e->column : 1),
                     (unsigned long long)e->offset);
            onoma__buf_puts(b, num);
        }
        onoma__buf_puts(b, "}}]");
    }
    onoma__buf_putc(b, '}');
}

static void problem(state *st, const char *file, int code, const char *level, const char *fmt, const char *arg)
{
    onoma_error e;
    memset(&e, 0, sizeof e);
    e.code = code;
    snprintf(e.file, sizeof e.file, "%s", file);
    snprintf(e.message, sizeof e.message, fmt, arg);
    file_problem(st, &e, level);
}

/* ------------------------------------------------------------------- diff */

typedef struct dline {
    uint64_t no;
    size_t a, b;       /* bytes of the line, its newline included */
    size_t f0, f1;     /* its fixable findings: indexes [f0, f1) */
} dline;

static void put_line(onoma__buf *o, char mark, const char *s, size_t a, size_t b)
{
    onoma__buf_putc(o, mark);
    onoma__buf_put(o, s + a, b - a);
    if (b == a || s[b - 1] != '\n')
        onoma__buf_puts(o, "\n\\ No newline at end of file\n");
}

/* The line with its fixes applied. */
static void put_fixed_line(onoma__buf *o, const char *s, const dline *l, const onoma_finding *f)
{
    onoma__buf_putc(o, '+');
    size_t at = l->a;
    for (size_t i = l->f0; i < l->f1; i++) {
        if (!f[i].fixable)
            continue;
        onoma__buf_put(o, s + at, (size_t)f[i].offset - at);
        onoma__buf_put(o, f[i].to, f[i].to_len);
        at = (size_t)(f[i].offset + f[i].length);
    }
    onoma__buf_put(o, s + at, l->b - at);
    if (l->b == l->a || s[l->b - 1] != '\n')
        onoma__buf_puts(o, "\n\\ No newline at end of file\n");
}

static size_t next_line(const char *s, size_t len, size_t a)
{
    const char *nl = a < len ? memchr(s + a, '\n', len - a) : NULL;
    return nl ? (size_t)(nl - s) + 1 : len;
}

static size_t prev_line(const char *s, size_t a)
{
    /* a is a line start > 0: the start of the line before */
    size_t p = a - 1;
    while (p > 0 && s[p - 1] != '\n')
        p--;
    return p;
}

enum { CONTEXT = 3 };

static int write_diff(state *st, const char *name, const char *s, size_t len, const onoma_finding *f, size_t n)
{
    /* the changed lines */
    dline *ls = NULL;
    size_t nl = 0, cap = 0;
    for (size_t i = 0; i < n; i++) {
        if (!f[i].fixable)
            continue;
        if (nl && ls[nl - 1].no == f[i].line) {
            ls[nl - 1].f1 = i + 1;
            continue;
        }
        if (nl == cap) {
            cap = cap ? cap * 2 : 16;
            dline *v = realloc(ls, cap * sizeof *v);
            if (!v) {
                free(ls);
                return -1;
            }
            ls = v;
        }
        size_t a = (size_t)f[i].offset;
        while (a > 0 && s[a - 1] != '\n')
            a--;
        ls[nl++] = (dline){f[i].line, a, next_line(s, len, (size_t)f[i].offset), i, i + 1};
    }
    if (!nl)
        return 0;
    onoma__buf o = {0};
    onoma__buf_puts(&o, "--- ");
    onoma__buf_puts(&o, name);
    onoma__buf_puts(&o, "\n+++ ");
    onoma__buf_puts(&o, name);
    onoma__buf_putc(&o, '\n');
    for (size_t h = 0; h < nl;) {
        /* a hunk: changed lines no more than 2*CONTEXT apart */
        size_t e = h;
        while (e + 1 < nl && ls[e + 1].no - ls[e].no <= 2 * CONTEXT + 1)
            e++;
        size_t start = ls[h].a;
        uint64_t first = ls[h].no;
        for (int k = 0; k < CONTEXT && start > 0; k++) {
            start = prev_line(s, start);
            first--;
        }
        size_t end = ls[e].b;
        uint64_t last = ls[e].no;
        for (int k = 0; k < CONTEXT && end < len; k++) {
            end = next_line(s, len, end);
            last++;
        }
        char hdr[96];
        snprintf(hdr, sizeof hdr, "@@ -%llu,%llu +%llu,%llu @@\n", (unsigned long long)first,
                 (unsigned long long)(last - first + 1), (unsigned long long)first,
                 (unsigned long long)(last - first + 1));
        onoma__buf_puts(&o, hdr);
        size_t at = start;
        for (size_t k = h; k <= e;) {
            while (at < ls[k].a) {
                size_t nx = next_line(s, len, at);
                put_line(&o, ' ', s, at, nx);
                at = nx;
            }
            /* a run of adjacent changed lines: all '-' then all '+' */
            size_t r = k;
            while (r + 1 <= e && ls[r + 1].no == ls[r].no + 1)
                r++;
            for (size_t q = k; q <= r; q++)
                put_line(&o, '-', s, ls[q].a, ls[q].b);
            for (size_t q = k; q <= r; q++)
                put_fixed_line(&o, s, &ls[q], f);
            at = ls[r].b;
            k = r + 1;
        }
        while (at < end) {
            size_t nx = next_line(s, len, at);
            put_line(&o, ' ', s, at, nx);
            at = nx;
        }
        h = e + 1;
    }
    free(ls);
    int rc = cli_out_write(&st->out, o.data, o.len);
    onoma__buf_free(&o);
    return rc ? -1 : 0;
}

/* -------------------------------------------------------------------- fix */

static int afile_sink(void *ctx, const char *p, size_t n)
{
    onoma_error e;
    return onoma__afile_write(ctx, p, n, &e) ? ONOMA_EIO : 0;
}

/* Rewrite path with the fixes, atomically; the original stays whole on any
 * failure. */
typedef struct input {
    char *data;
    size_t len;
    int mapped;
    char encoding[64]; /* "" for UTF-8 as it is; else what it was decoded from */
    const char *bom;   /* the byte-order mark it began with, to write back */
    size_t bomlen;
} input;

static int buf_sink(void *ctx, const char *p, size_t n) { return onoma__buf_put(ctx, p, n); }

/* The fixed text, in the file's own encoding when it was not UTF-8.
 * Returns 0, or -1 when a replacement cannot be written in that encoding. */
static int encode_back(const char *enc, const onoma__buf *utf8, onoma__buf *out)
{
    iconv_t cd = iconv_open(enc, "UTF-8");
    if (cd == (iconv_t)-1)
        return -1;
    char *inp = utf8->data;
    size_t inleft = utf8->len;
    int rc = 0;
    while (inleft && !rc) {
        if (onoma__buf_reserve(out, inleft * 4 + 16)) {
            rc = -1;
            break;
        }
        char *op = out->data + out->len;
        size_t oleft = out->cap - out->len;
        size_t r = iconv(cd, &inp, &inleft, &op, &oleft);
        out->len = (size_t)(op - out->data);
        if (r == (size_t)-1 && errno != E2BIG)
            rc = -1;
    }
    if (!rc) { /* flush any shift state */
        char *op = out->data + out->len;
        size_t oleft = out->cap - out->len;
        if (iconv(cd, NULL, NULL, &op, &oleft) == (size_t)-1)
            rc = -1;
        out->len = (size_t)(op - out->data);
    }
    iconv_close(cd);
    return rc;
}

static int fix_file(state *st, const char *path, const input *in, const onoma_finding *f, size_t n)
{
    const char *text = in->data;
    size_t len = in->len;
    struct stat sb;
    if (stat(path, &sb) != 0) {
        problem(st, path, ONOMA_EIO, "error", "cannot fix: %s", strerror(errno));
        return -1;
    }
    if (!(sb.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) || access(path, W_OK) != 0) {
        problem(st, path, ONOMA_EIO, "error", "%s", "cannot fix: the file is read-only (left as it is)");
        return -1;
    }
    onoma__afile af;
    onoma_error e;
    if (onoma__afile_open(&af, path, &e)) {
        snprintf(e.message + strlen(e.message), sizeof e.message - strlen(e.message), " (not fixed)");
        file_problem(st, &e, "error");
        return -1;
    }
    int rc;
    if (in->encoding[0]) {
        /* fix in UTF-8, then write back in the file's encoding */
        onoma__buf u = {0}, enc = {0};
        rc = onoma_check_apply(text, len, f, n, buf_sink, &u, &e);
        if (rc >= 0 && in->bomlen)
            rc = onoma__buf_put(&enc, in->bom, in->bomlen) ? -1 : 0;
        if (rc >= 0 && encode_back(in->encoding, &u, &enc)) {
            onoma__buf_free(&u);
            onoma__buf_free(&enc);
            onoma__afile_abort(&af);
            problem(st, path, ONOMA_EENCODING, "error", "cannot fix: a replacement cannot be written in %s (the file is unchanged)",
                    in->encoding);
            return -1;
        }
        if (rc >= 0)
            rc = afile_sink(&af, enc.data, enc.len);
        onoma__buf_free(&u);
        onoma__buf_free(&enc);
    } else {
        rc = onoma_check_apply(text, len, f, n, afile_sink, &af, &e);
    }
    if (rc < 0) {
        int err = errno;
        onoma__afile_abort(&af);
        problem(st, path, ONOMA_EIO, "error", "cannot fix: write error: %s (the file is unchanged)", strerror(err));
        return -1;
    }
    if (onoma__afile_commit(&af, &e)) {
        snprintf(e.message + strlen(e.message), sizeof e.message - strlen(e.message), " (the file is unchanged)");
        file_problem(st, &e, "error");
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ files */



/* Read the whole input through the decoder (--from-encoding, a UTF-16
 * byte-order mark, or standard input): into UTF-8, remembering the encoding
 * for --fix. Returns 0, or -1 with the problem reported. */
static int input_decode(state *st, int fd, const char *name, input *in)
{
    memset(in, 0, sizeof *in);
    unsigned char head[3] = {0, 0, 0};
    ssize_t got = fd > 0 ? pread(fd, head, 3, 0) : 0;
    onoma__reader *rd;
    if (cli_reader_open(&st->dec, fd, name, &rd))
        return -1;
    size_t cap = 0;
    for (;;) {
        if (cap - in->len < 65536) {
            cap = cap ? cap * 2 : 1u << 20;
            char *p = realloc(in->data, cap);
            if (!p) {
                onoma__reader_close(&rd);
                return -1;
            }
            in->data = p;
        }
        long r = onoma__reader_read(rd, in->data + in->len, cap - in->len);
        if (r < 0) {
            cli_report(onoma__reader_error(rd));
            onoma__reader_close(&rd);
            return -1;
        }
        if (r == 0)
            break;
        in->len += (size_t)r;
    }
    const char *enc = onoma__reader_encoding(rd);
    if (strcmp(enc, "UTF-8") != 0)
        snprintf(in->encoding, sizeof in->encoding, "%s", enc);
    if (got >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
        in->bom = (const char *)(head[0] == 0xFF ? "\xFF\xFE" : "\xFE\xFF"), in->bomlen = 2;
    onoma__reader_close(&rd);
    return 0;
}

static void input_free(input *in)
{
    if (in->mapped)
        munmap(in->data, in->len);
    else
        free(in->data);
    memset(in, 0, sizeof *in);
}

/* Read a whole file (mmap for regular files). */
static int input_read(int fd, input *in)
{
    memset(in, 0, sizeof *in);
    struct stat sb;
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
        /* populated at once: cheaper than a page fault per 4 KB */
        void *p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (p != MAP_FAILED) {
            in->data = p;
            in->len = (size_t)sb.st_size;
            in->mapped = 1;
            return 0;
        }
    }
    size_t cap = 0;
    for (;;) {
        if (in->len == cap) {
            cap = cap ? cap * 2 : 65536;
            char *p = realloc(in->data, cap);
            if (!p)
                return ENOMEM;
            in->data = p;
        }
        ssize_t r = read(fd, in->data + in->len, cap - in->len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return errno;
        }
        if (r == 0)
            return 0;
        in->len += (size_t)r;
    }
}

static int check_one(state *st, const char *path, const char *shown)
{
    int is_stdin = strcmp(path, "-") == 0;
    const char *name = is_stdin ? (st->stdin_name ? st->stdin_name : "-") : shown;
    const onoma__settings *set;
    onoma_error e;
    /* stdin: its configuration is that of --stdin-filename, or of the current folder */
    const char *cfg_path = is_stdin ? (st->stdin_name ? st->stdin_name : "./-") : path;
    if (onoma__project_settings(st->proj, cfg_path, &set, &e)) {
        cli_report(&e);
        st->usage_error |= e.code == ONOMA_EINVAL && e.line; /* a bad .onoma line */
        st->errors++;
        return -1;
    }
    onoma_checker *ck;
    if (onoma__project_checker(st->proj, set, &ck, &e)) {
        cli_report(&e);
        if (e.code == ONOMA_ESTYLE)
            st->usage_error = 1;
        else
            st->fatal = 1;
        st->errors++;
        return -1;
    }
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        problem(st, name, ONOMA_EIO, "error", "cannot open: %s", strerror(errno));
        st->skipped++;
        return -1;
    }
    input in;
    unsigned char bom[2] = {0, 0};
    int utf16 = !is_stdin && pread(fd, bom, 2, 0) == 2 &&
                ((bom[0] == 0xFF && bom[1] == 0xFE) || (bom[0] == 0xFE && bom[1] == 0xFF));
    if (st->dec.encoding || utf16 || is_stdin) {
        int derr = input_decode(st, fd, name, &in);
        if (!is_stdin)
            close(fd);
        if (derr) {
            input_free(&in);
            st->errors++;
            st->skipped++;
            return -1;
        }
    } else {
        int rerr = input_read(fd, &in);
        if (!is_stdin)
            close(fd);
        if (rerr) {
            problem(st, name, ONOMA_EIO, "error", "cannot read: %s", strerror(rerr));
            input_free(&in);
            st->skipped++;
            return -1;
        }
    }
    size_t probe = in.len < 8000 ? in.len : 8000;
    if (probe && memchr(in.data, 0, probe)) {
        problem(st, name, ONOMA_ENUL, "note", "%s", "binary file, skipped");
        input_free(&in);
        st->skipped++;
        return 0;
    }
    int markup = set->markup >= 0 ? set->markup : onoma_markup_for_path(name);
    const onoma_finding *f;
    size_t n;
    int rc = onoma_check(ck, name, in.data, in.len, markup, &f, &n, &e);
    if (rc < 0) {
        if (e.code == ONOMA_EUTF8 || e.code == ONOMA_ENUL)
            snprintf(e.message, sizeof e.message, "%s at byte %llu (line %llu, column %llu); file skipped",
                     e.code == ONOMA_EUTF8 ? "invalid UTF-8" : "NUL byte", (unsigned long long)e.offset,
                     (unsigned long long)e.line, (unsigned long long)e.column);
        file_problem(st, &e, "error");
        input_free(&in);
        st->skipped++;
        return -1;
    }
    st->files++;
    const char *style = set->style ? set->style : "default";
    size_t fixable = 0;
    for (size_t i = 0; i < n; i++)
        fixable += f[i].fixable;
    int fixed = 0;
    if (st->fix && fixable && !is_stdin)
        fixed = fix_file(st, path, &in, f, n) == 0;
    for (size_t i = 0; i < n; i++) {
        int done = fixed && f[i].fixable;
        if (f[i].severity == ONOMA_SEVERITY_WARNING)
            st->findings++;
        else
            st->notes++;
        st->fixed += (size_t)done;
        int w = 0;
        if (st->format == FMT_TEXT)
            text_finding(st, name, in.data, in.len, &f[i], style, done);
        else if (st->format == FMT_JSONL)
            w = jsonl_finding(st, name, &f[i], style, done);
        else
            w = sarif_finding(st, name, &f[i], style, done);
        if (w)
            break;
    }
    if (st->diff && fixable)
        write_diff(st, name, in.data, in.len, f, n);
    input_free(&in);
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void walk(state *st, const char *dir, int depth)
{
    if (depth > 64) {
        problem(st, dir, ONOMA_ERANGE, "error", "%s", "folders nested too deep, not followed");
        return;
    }
    DIR *d = opendir(dir);
    if (!d) {
        problem(st, dir, ONOMA_EIO, "error", "cannot open folder: %s", strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue; /* hidden: .git, .onoma, editor files */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **v = realloc(names, cap * sizeof *v);
            if (!v)
                break;
            names = v;
        }
        if (!(names[n] = strdup(de->d_name)))
            break;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    const onoma__settings *set = NULL;
    onoma_error e;
    char probe[4096];
    snprintf(probe, sizeof probe, "%s/.", dir);
    if (onoma__project_settings(st->proj, probe, &set, &e)) {
        cli_report(&e);
        st->errors++;
        st->usage_error |= e.code == ONOMA_EINVAL && e.line;
        set = NULL;
    }
    for (size_t i = 0; i < n && set && !st->fatal && !st->usage_error; i++) {
        size_t dl = strlen(dir);
        char *p = malloc(dl + strlen(names[i]) + 2);
        if (!p)
            break;
        sprintf(p, "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names[i]);
        struct stat lsb, sb;
        if (lstat(p, &lsb) != 0) {
            free(p);
            continue;
        }
        int is_link = S_ISLNK(lsb.st_mode);
        if (stat(p, &sb) != 0) {
            if (is_link)
                problem(st, p, ONOMA_ENOENT, "note", "%s", "broken symbolic link, skipped");
            free(p);
            continue;
        }
        char *abs = onoma__abs_path(p);
        if (S_ISDIR(sb.st_mode)) {
            /* links to folders are not followed (loops, trees outside) */
            if (!is_link && abs && !onoma__settings_excluded(set, abs, 1))
                walk(st, p, depth + 1);
        } else if (S_ISREG(sb.st_mode) && abs && !onoma__settings_excluded(set, abs, 0) &&
                   onoma__settings_included(set, abs)) {
            check_one(st, p, p);
        }
        free(abs);
        free(p);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* ------------------------------------------------------------------ main */

static int parse_when(const char *v, int *out)
{
    if (!v || strcmp(v, "always") == 0 || strcmp(v, "yes") == 0)
        *out = WHEN_ALWAYS;
    else if (strcmp(v, "never") == 0 || strcmp(v, "no") == 0)
        *out = WHEN_NEVER;
    else if (strcmp(v, "auto") == 0)
        *out = WHEN_AUTO;
    else
        return -1;
    return 0;
}

static int add_glob(onoma__globs *g, const char *pat)
{
    char *cwd = getcwd(NULL, 0);
    char *base = cwd ? onoma__abs_path(cwd) : NULL;
    free(cwd);
    if (!base)
        return -1;
    if (g->n == g->cap) {
        size_t nc = g->cap ? g->cap * 2 : 8;
        onoma__glob *v = realloc(g->v, nc * sizeof *v);
        if (!v) {
            free(base);
            return -1;
        }
        g->v = v;
        g->cap = nc;
    }
    g->v[g->n].pat = strdup(pat);
    g->v[g->n].base = strcmp(base, "/") == 0 ? strdup("") : base;
    if (strcmp(base, "/") == 0)
        free(base);
    g->n++;
    return 0;
}

static void warn_config(void *ctx, const onoma_error *e)
{
    cli_warn("%s:%llu: %s", e->file, (unsigned long long)e->line, e->message);
}

int cmd_check(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"style", required_argument, NULL, 's'},
        {"table", required_argument, NULL, 't'},
        {"no-default-tables", no_argument, NULL, 'N'},
        {"format", required_argument, NULL, 'f'},
        {"fix", no_argument, NULL, 'F'},
        {"diff", no_argument, NULL, 'D'},
        {"fuzzy", no_argument, NULL, 'z'},
        {"no-near-miss", no_argument, NULL, 'n'},
        {"near-places", no_argument, NULL, 'P'},
        {"include", required_argument, NULL, 'i'},
        {"exclude", required_argument, NULL, 'e'},
        {"ignore", required_argument, NULL, 'g'},
        {"markup", required_argument, NULL, 'm'},
        {"stdin-filename", required_argument, NULL, 'S'},
        {"no-config", no_argument, NULL, 'C'},
        {"exact", no_argument, NULL, 'x'},
        {"no-guard", no_argument, NULL, 'G'},
        {"any-case", no_argument, NULL, 'A'},
        {"cross-script", no_argument, NULL, 'X'},
        {"color", optional_argument, NULL, 'c'},
        {"colour", optional_argument, NULL, 'c'},
        {"caret", optional_argument, NULL, 'r'},
        {"quiet", no_argument, NULL, 'q'},
        {"from-encoding", required_argument, NULL, 'E'},
        {"verbose", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    state st;
    memset(&st, 0, sizeof st);
    onoma__settings cli;
    onoma__settings_init(&cli);
    int use_config = 1, color = WHEN_AUTO, caret = WHEN_AUTO, c, rc = 0;
    /* ONOMA_TABLES first, then --table, as in the other commands */
    const char *env = getenv("ONOMA_TABLES");
    if (env) {
        for (const char *p = env; *p;) {
            const char *colon = strchr(p, ':');
            size_t n = colon ? (size_t)(colon - p) : strlen(p);
            if (n)
                onoma__strv_add(&cli.tables, p, n);
            p += n + (colon != NULL);
        }
    }
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":s:t:f:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            free(cli.style);
            cli.style = strdup(optarg);
            break;
        case 't': onoma__strv_add(&cli.tables, optarg, strlen(optarg)); break;
        case 'N': cli.default_tables = 0; break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                st.format = FMT_TEXT;
            else if (strcmp(optarg, "jsonl") == 0 || strcmp(optarg, "json") == 0)
                st.format = FMT_JSONL;
            else if (strcmp(optarg, "sarif") == 0)
                st.format = FMT_SARIF;
            else
                rc = cli_usage("check", "--format takes text, jsonl or sarif, not '%s'", optarg);
            break;
        case 'F': st.fix = 1; break;
        case 'D': st.diff = 1; break;
        case 'z': cli.fuzzy = 1; break;
        case 'n': cli.near = 0; break;
        case 'P': cli.near_places = 1; break;
        case 'i':
            add_glob(&cli.include, optarg);
            cli.include_set = 1;
            break;
        case 'e': add_glob(&cli.exclude, optarg); break;
        case 'g': onoma__strv_add(&cli.ignore, optarg, strlen(optarg)); break;
        case 'm':
            if (strcmp(optarg, "auto") == 0)
                cli.markup = -1;
            else if ((cli.markup = onoma_markup_from_name(optarg)) < 0)
                rc = cli_usage("check", "--markup takes auto, text, markdown, html, rst or tex, not '%s'", optarg);
            break;
        case 'S': st.stdin_name = optarg; break;
        case 'C': use_config = 0; break;
        case 'x': cli.nflags |= ONOMA_EXACT; break;
        case 'G': cli.nflags |= ONOMA_NO_GUARD; break;
        case 'A': cli.nflags |= ONOMA_ANY_CASE; break;
        case 'X': cli.nflags |= ONOMA_CROSS_SCRIPT; break;
        case 'c':
            if (parse_when(optarg, &color))
                rc = cli_usage("check", "--color takes auto, always or never, not '%s'", optarg);
            break;
        case 'r':
            if (parse_when(optarg, &caret))
                rc = cli_usage("check", "--caret takes auto, always or never, not '%s'", optarg);
            break;
        case 'q': st.quiet = 1; break;
        case 'E': st.dec.encoding = optarg; break;
        case 'V': st.dec.verbose = 1; break;
        case 'h':
            onoma__settings_free(&cli);
            fputs(help, stdout);
            return fclose(stdout) ? EXIT_FINDINGS : 0;
        default:
            rc = cli_bad_option("check", c, argv);
        }
        if (rc)
            break;
    }
    if (!rc && st.fix && st.diff)
        rc = cli_usage("check", "--fix and --diff exclude each other");
    if (!rc && st.diff && st.format != FMT_TEXT)
        rc = cli_usage("check", "--diff writes the diff on standard output: use it with --format text");
    char *stdin_only[] = {"-"};
    char **paths = optind < argc ? argv + optind : stdin_only;
    int npaths = optind < argc ? argc - optind : 1;
    for (int i = 0; i < npaths && !rc; i++)
        if (st.fix && strcmp(paths[i], "-") == 0)
            rc = cli_usage("check", "--fix rewrites files; standard input cannot be fixed (use onoma normalize)");
    onoma_error e;
    if (!rc && onoma__project_new(&cli, use_config, warn_config, NULL, &st.proj, &e)) {
        cli_report(&e);
        rc = EXIT_FINDINGS;
    }
    onoma__settings_free(&cli);
    if (rc)
        return rc;
    const char *term = getenv("TERM");
    int tty = isatty(2) && !(term && strcmp(term, "dumb") == 0);
    st.color = color == WHEN_ALWAYS || (color == WHEN_AUTO && tty && !getenv("NO_COLOR"));
    st.caret = caret == WHEN_ALWAYS || (caret == WHEN_AUTO && tty);
    /* diagnostics in order, in large writes */
    static char errbuf[1 << 16];
    setvbuf(stderr, errbuf, _IOFBF, sizeof errbuf);
    int ok = cli_out_open(&st.out, NULL) == 0;
    if (ok && st.format == FMT_SARIF && sarif_begin(&st))
        ok = 0;
    for (int i = 0; i < npaths && ok && !st.usage_error && !st.fatal; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            size_t l = strlen(paths[i]);
            while (l > 1 && paths[i][l - 1] == '/')
                paths[i][--l] = 0;
            walk(&st, paths[i], 0);
        } else {
            check_one(&st, paths[i], paths[i]);
        }
        if (st.out.failed)
            ok = 0;
    }
    if (ok && st.format == FMT_SARIF && sarif_end(&st, st.errors == 0))
        ok = 0;
    if (cli_out_close(&st.out, ok))
        ok = 0;
    if (!st.quiet && !st.usage_error) {
        fprintf(stderr, "%s: %zu file%s checked, %zu finding%s, %zu fixed", cli_prog, st.files,
                st.files == 1 ? "" : "s", st.findings, st.findings == 1 ? "" : "s", st.fixed);
        if (st.notes)
            fprintf(stderr, ", %zu note%s", st.notes, st.notes == 1 ? "" : "s");
        if (st.skipped)
            fprintf(stderr, ", %zu skipped", st.skipped);
        fputc('\n', stderr);
    }
    int flushed = fflush(stderr);
    setvbuf(stderr, NULL, _IONBF, 0);
    (void)flushed;
    onoma__project_free(&st.proj);
    onoma__buf_free(&st.line);
    onoma__buf_free(&st.rules_json);
    onoma__buf_free(&st.notifications);
    for (size_t i = 0; i < st.cap_rules; i++)
        free(st.rules[i].id);
    free(st.rules);
    free(st.rule_order);
    if (st.usage_error)
        return EXIT_USAGE;
    if (!ok || st.errors || st.findings > st.fixed)
        return EXIT_FINDINGS;
    return 0;
}
