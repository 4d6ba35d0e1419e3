/* Building a table image from parsed text tables. */
#ifndef ONOMA_TABLE_BUILD_H
#define ONOMA_TABLE_BUILD_H

#include "onoma.h"
#include "table/source.h"

#define ONOMA__BUILD_EXACT_ONLY 0x1u
#define ONOMA__BUILD_FREE_SOURCES 0x2u /* free the sources' text once indexed (memory) */

/* Build one image from the sources (merged: ids unique across all, conflicts
 * checked across all). On success *image is malloc'd, 8-byte aligned. diag
 * receives every error; err the first. */
int onoma__build(onoma__source *const *src, size_t nsrc, unsigned flags, void **image, size_t *size,
                 onoma_diag_fn diag, void *ctx, onoma_error *err);

/* Type names, indexed by ONOMA__TYPE_*. */
extern const char *const onoma__type_names[];

#endif
