/* The hook for the learned names model (src/translit/names_model.c, built
 * in when present: ONOMA_HAVE_NAMES_MODEL). Models are looked for as
 * share/onoma/translit/names/LANG.model; a language without a model keeps
 * its scheme in --names mode. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/error.h"
#include "translit/engine.h"

#ifdef ONOMA_HAVE_NAMES_MODEL
#include "translit/names_model.h"

int onoma__names_hook_open(onoma__tshared *sh, onoma_error *err)
{
    char dir[PATH_MAX];
    int n = onoma__translit_default_dir(dir, sizeof dir);
    if (n <= 0 || (size_t)n >= sizeof dir)
        return 0;
    for (int li = 0; li < ONOMA__L_COUNT; li++) {
        char path[PATH_MAX + 64];
        snprintf(path, sizeof path, "%s/names/%s.model", dir, onoma__lang_codes[li]);
        if (access(path, R_OK) != 0)
            continue;
        onoma__names_model *m = NULL;
        char msg[256] = "";
        int rc = onoma__names_model_open(path, &m, msg, sizeof msg);
        if (rc)
            return onoma__error(err, rc == ONOMA__NM_ENOMEM ? ONOMA_ENOMEM : ONOMA_ETABLE, path, 0, 0,
                                "cannot load the names model: %s", msg);
        sh->names_model[li] = m;
    }
    return 0;
}

void onoma__names_hook_close(onoma__tshared *sh)
{
    for (int li = 0; li < ONOMA__L_COUNT; li++) {
        onoma__names_model *m = sh->names_model[li];
        onoma__names_model_close(&m);
        sh->names_model[li] = NULL;
    }
}

int onoma__names_hook_run(const onoma__tshared *sh, int lang, const char *tok, size_t n, onoma__buf *out)
{
    const onoma__names_model *m = lang >= 0 ? sh->names_model[lang] : NULL;
    if (!m)
        return onoma__buf_put(out, tok, n);
    size_t room = n * 4 + 16;
    for (;;) {
        if (onoma__buf_reserve(out, room + 1))
            return ONOMA_ENOMEM;
        int need = onoma__names_model_translit(m, tok, n, out->data + out->len, out->cap - out->len);
        if (need < 0)
            return need == ONOMA__NM_ENOMEM ? ONOMA_ENOMEM : ONOMA_EICU;
        if ((size_t)need < out->cap - out->len) {
            out->len += (size_t)need;
            return 0;
        }
        room = (size_t)need + 1;
    }
}

#else /* no names model in this build */

int onoma__names_hook_open(onoma__tshared *sh, onoma_error *err)
{
    (void)sh, (void)err;
    return 0;
}

void onoma__names_hook_close(onoma__tshared *sh) { (void)sh; }

int onoma__names_hook_run(const onoma__tshared *sh, int lang, const char *tok, size_t n, onoma__buf *out)
{
    (void)sh, (void)lang;
    return onoma__buf_put(out, tok, n);
}

#endif
