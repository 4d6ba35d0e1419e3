/* Filling onoma_error: the one way library code reports a failure. */
#ifndef ONOMA_COMMON_ERROR_H
#define ONOMA_COMMON_ERROR_H

#include "onoma.h"

#if defined(__GNUC__)
#define ONOMA__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ONOMA__PRINTF(a, b)
#endif

/* Set err (if not NULL) and return code. file may be NULL; line/offset 0 if unknown. */
int onoma__error(onoma_error *err, int code, const char *file, uint64_t line, uint64_t offset,
                 const char *fmt, ...) ONOMA__PRINTF(6, 7);
/* Reset err to "no error". */
void onoma__error_clear(onoma_error *err);

#endif
