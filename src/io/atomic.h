/* Writing a file so that readers see the old content or the new one, never
 * a part: a temporary file in the same folder, written, synced, given the
 * old file's permissions, renamed over it. Paths that are not regular files
 * (/dev/stdout, /dev/full, a FIFO) are written directly. A symlink is
 * followed: its target is replaced, the link stays. */
#ifndef ONOMA_IO_ATOMIC_H
#define ONOMA_IO_ATOMIC_H

#include <stddef.h>

#include "onoma.h"

typedef struct onoma__afile {
    int fd;
    int direct; /* writing the path itself (not a regular file) */
    char *path; /* final path (symlinks resolved) */
    char *tmp;  /* temporary path, NULL when direct */
    unsigned long long written;
} onoma__afile;

int onoma__afile_open(onoma__afile *f, const char *path, onoma_error *err);
int onoma__afile_write(onoma__afile *f, const void *data, size_t len, onoma_error *err);
/* Sync, rename into place, close. On failure the original is untouched. */
int onoma__afile_commit(onoma__afile *f, onoma_error *err);
/* Drop the temporary file; the original is untouched. */
void onoma__afile_abort(onoma__afile *f);

int onoma__write_atomic(const char *path, const void *data, size_t len, onoma_error *err);

/* write(2) all of it, retrying on EINTR and short writes; 0 or -errno. */
int onoma__write_all(int fd, const void *data, size_t len);

#endif
