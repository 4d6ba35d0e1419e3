#include "io/atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

int onoma__write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (w == 0)
            return -EIO;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int onoma__afile_open(onoma__afile *f, const char *path, onoma_error *err)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode))
            return onoma__error(err, ONOMA_EIO, path, 0, 0, "is a directory");
        f->direct = 1;
        f->fd = open(path, O_WRONLY | O_CLOEXEC);
        if (f->fd < 0)
            return onoma__error(err, ONOMA_EIO, path, 0, 0, "cannot open for writing: %s", strerror(errno));
        f->path = strdup(path);
        return f->path ? 0 : onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
    }
    char real[PATH_MAX];
    const char *target = path;
    if (exists && realpath(path, real))
        target = real; /* a symlink: replace its target */
    f->path = strdup(target);
    size_t n = strlen(target);
    f->tmp = malloc(n + 32);
    if (!f->path || !f->tmp) {
        free(f->path);
        free(f->tmp);
        return onoma__error(err, ONOMA_ENOMEM, path, 0, 0, NULL);
    }
    const char *slash = strrchr(target, '/');
    size_t dirlen = slash ? (size_t)(slash - target + 1) : 0;
    snprintf(f->tmp, n + 32, "%.*s.%s.onoma-XXXXXX", (int)dirlen, target, target + dirlen);
    f->fd = mkstemp(f->tmp);
    if (f->fd < 0) {
        int e = errno;
        free(f->path);
        free(f->tmp);
        memset(f, 0, sizeof *f);
        f->fd = -1;
        return onoma__error(err, ONOMA_EIO, path, 0, 0, "cannot create a temporary file beside it: %s", strerror(e));
    }
    mode_t mode;
    if (exists) {
        mode = st.st_mode & 07777;
    } else {
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    if (fchmod(f->fd, mode) != 0) {
        /* keep going: the file is still written, with mkstemp's 0600 */
    }
    return 0;
}

int onoma__afile_write(onoma__afile *f, const void *data, size_t len, onoma_error *err)
{
    int e = onoma__write_all(f->fd, data, len);
    if (e)
        return onoma__error(err, ONOMA_EIO, f->path, 0, f->written, "write error: %s", strerror(-e));
    f->written += len;
    return 0;
}

void onoma__afile_abort(onoma__afile *f)
{
    if (f->fd >= 0)
        close(f->fd);
    if (f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    free(f->path);
    memset(f, 0, sizeof *f);
    f->fd = -1;
}

int onoma__afile_commit(onoma__afile *f, onoma_error *err)
{
    int rc = 0;
    if (f->direct) {
        if (close(f->fd) != 0)
            rc = onoma__error(err, ONOMA_EIO, f->path, 0, 0, "write error: %s", strerror(errno));
        f->fd = -1;
        onoma__afile_abort(f);
        return rc;
    }
    if (fsync(f->fd) != 0 && errno != EINVAL && errno != EROFS)
        rc = onoma__error(err, ONOMA_EIO, f->path, 0, 0, "cannot sync: %s", strerror(errno));
    if (close(f->fd) != 0 && !rc)
        rc = onoma__error(err, ONOMA_EIO, f->path, 0, 0, "write error: %s", strerror(errno));
    f->fd = -1;
    if (!rc && rename(f->tmp, f->path) != 0)
        rc = onoma__error(err, ONOMA_EIO, f->path, 0, 0, "cannot replace: %s", strerror(errno));
    if (!rc) {
        /* make the rename durable */
        char *slash = strrchr(f->path, '/');
        char dir[PATH_MAX];
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - f->path) + (slash == f->path) : 1,
                 slash ? f->path : ".");
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(f->tmp);
        f->tmp = NULL;
    }
    onoma__afile_abort(f);
    return rc;
}

int onoma__write_atomic(const char *path, const void *data, size_t len, onoma_error *err)
{
    onoma__afile f;
    int rc = onoma__afile_open(&f, path, err);
    if (rc)
        return rc;
    if ((rc = onoma__afile_write(&f, data, len, err))) {
        onoma__afile_abort(&f);
        return rc;
    }
    return onoma__afile_commit(&f, err);
}
