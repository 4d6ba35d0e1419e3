/* The set of loaded tables (onoma_tables): layers in precedence order
 * (later wins), the union of their styles, and style-table overrides. */
#ifndef ONOMA_TABLE_TABLES_H
#define ONOMA_TABLE_TABLES_H

#include <pthread.h>

#include "onoma.h"
#include "table/layer.h"

typedef struct onoma__ovr {
    uint32_t layer, entry, style;
    const char *form;
    uint32_t len;
} onoma__ovr;

struct onoma_tables {
    onoma__layer *layers;
    size_t nlayers;
    char **styles; /* [0] = "default" */
    size_t nstyles;
    size_t *coverage;
    onoma__ovr *ovr; /* hash table on (layer, entry, style) */
    uint32_t ovr_mask;
    size_t novr;
    struct { uint32_t layer, source; } *srcs;
    size_t nsrcs;
    /* Made on first use by an upper layer (normalize --fuzzy: the key index
     * of the spellings), under ext_mu; ext_free(ext) when closed. */
    pthread_mutex_t ext_mu;
    void *ext;
    void (*ext_free)(void *ext);
};

/* Index of a style name (NULL or "" or "default" = 0), or -1. */
int onoma__style_find(const onoma_tables *t, const char *name);
/* Canonical form of an entry in a style. */
const char *onoma__canonical(const onoma_tables *t, uint32_t layer, uint32_t entry, uint32_t style, size_t *len);
/* Canonical form of the entity an entry names (its parent's, if any). */
const char *onoma__display(const onoma_tables *t, uint32_t layer, uint32_t entry, uint32_t style, size_t *len);

#endif
