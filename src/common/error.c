#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const messages[] = {
    "success",
#define ONOMA__MSG(name, msg) msg,
    ONOMA_ERRNO_MAP(ONOMA__MSG)
#undef ONOMA__MSG
};

static const char *const names[] = {
    "ONOMA_OK",
#define ONOMA__NAME(name, msg) "ONOMA_E" #name,
    ONOMA_ERRNO_MAP(ONOMA__NAME)
#undef ONOMA__NAME
};

const char *onoma_strerror(int code)
{
    if (code > 0 || -code >= (int)(sizeof messages / sizeof *messages))
        return "unknown error";
    return messages[-code];
}

const char *onoma_err_name(int code)
{
    if (code > 0 || -code >= (int)(sizeof names / sizeof *names))
        return "ONOMA_E?";
    return names[-code];
}

void onoma_free(void *p) { free(p); }

void onoma__error_clear(onoma_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

int onoma__error(onoma_error *err, int code, const char *file, uint64_t line, uint64_t offset,
                 const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->column = 0;
    err->offset = offset;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    } else {
        snprintf(err->message, sizeof err->message, "%s", onoma_strerror(code));
    }
    return code;
}
