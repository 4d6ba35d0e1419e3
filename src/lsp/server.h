/* The Language Server Protocol server of `onoma lsp`: documents, their
 * checks, diagnostics and code actions. Transport-free: the caller feeds
 * message bodies in and gets message bodies out through a callback (the
 * framing, Content-Length headers over stdio, is cmd_lsp.c's). */
#ifndef ONOMA_LSP_SERVER_H
#define ONOMA_LSP_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "onoma.h"

typedef struct onoma__lsp onoma__lsp;

/* Receives one complete JSON message body to send; 0 or a negative error. */
typedef int (*onoma__lsp_send_fn)(void *ctx, const char *body, size_t len);

typedef struct onoma__lsp_options {
    const char *style;        /* NULL = from .onoma / default */
    const char *const *tables; /* added after .onoma tables */
    size_t ntables;
    int no_default_tables;
    int use_config;           /* read .onoma files (1) */
} onoma__lsp_options;

int onoma__lsp_new(const onoma__lsp_options *opt, onoma__lsp_send_fn send, void *ctx, onoma__lsp **out,
                   onoma_error *err);
void onoma__lsp_free(onoma__lsp **s);

/* Handle one message. Returns 0 to go on, 1 when the client sent "exit"
 * (*exit_code: 0 after a shutdown request, else 1), or a negative error
 * when sending failed. */
int onoma__lsp_handle(onoma__lsp *s, const char *body, size_t len, int *exit_code);

/* Documents whose check was put off (more input was waiting) */
int onoma__lsp_pending(const onoma__lsp *s);
/* Check them now and publish; call when no input is waiting. */
int onoma__lsp_idle(onoma__lsp *s);

/* Position encodings. */
enum { ONOMA__ENC_UTF16 = 0, ONOMA__ENC_UTF8, ONOMA__ENC_UTF32 };

/* Units of the encoding in s[0..n) (valid UTF-8). */
uint64_t onoma__lsp_units(const char *s, size_t n, int enc);
/* Byte offset in s[0..n) after `units` units (clamped to n; never inside a
 * character). */
size_t onoma__lsp_advance(const char *s, size_t n, uint64_t units, int enc);

#endif
