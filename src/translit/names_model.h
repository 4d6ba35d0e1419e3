/* Name-aware transliteration: a joint-sequence (graphone) n-gram model.
 *
 * A model file (tables/translit/names/LANG.model, text, made by
 * tools/names_model/) holds a lexicon of native tokens, the graphone
 * inventory (one native character paired with 0..4 Latin characters) and a
 * back-off n-gram model over graphones.  Decoding is a beam search over the
 * native characters of a token.  The format is described in
 * tools/names_model/README.md.
 */
#ifndef ONOMA_TRANSLIT_NAMES_MODEL_H
#define ONOMA_TRANSLIT_NAMES_MODEL_H

#include <stddef.h>

/* Error codes (negative). */
#define ONOMA__NM_EIO (-1)     /* cannot read the model file */
#define ONOMA__NM_ENOMEM (-2)  /* out of memory */
#define ONOMA__NM_EFORMAT (-3) /* malformed model file */
#define ONOMA__NM_EUTF8 (-4)   /* token is not valid UTF-8 */
#define ONOMA__NM_EICU (-5)    /* an ICU call failed */
#define ONOMA__NM_EINVAL (-6)  /* bad argument */

typedef struct onoma__names_model onoma__names_model;

/* Load a model file; on error return a negative code and fill msg. */
int onoma__names_model_open(const char *path, onoma__names_model **out,
                            char *msg, size_t msgcap);

/* Free a model and set *m to NULL (a double close is harmless). */
void onoma__names_model_close(onoma__names_model **m);

/* Transliterate ONE token (UTF-8, native script, no spaces).  Writes
 * NUL-terminated lowercase Latin UTF-8 into out (truncated to cap); returns
 * the length it needed without the NUL (like snprintf) or < 0 on error.
 * Characters that are not letters (digits, hyphens, commas) are copied;
 * letters the model does not know are copied or mapped by the model's
 * fallback table.  Thread-safe on a shared model: no mutable state. */
int onoma__names_model_translit(const onoma__names_model *m, const char *tok,
                                size_t len, char *out, size_t cap);

/* Language code named in the model file ("ar", "he", ...), never NULL. */
const char *onoma__names_model_lang(const onoma__names_model *m);

#endif
