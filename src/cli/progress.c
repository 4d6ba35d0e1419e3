/* The progress bar (progress.h). */
#include "cli/progress.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TICK_MS 200   /* redraw interval */
#define DELAY_MS 500  /* AUTO mode: a job shorter than this shows nothing */

struct cli_progress {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    int forced;   /* CLI_PROGRESS_ON */
    int tty;      /* standard error is a terminal */
    int drawn;    /* something is on the line */
    uint64_t total;
    int fd;       /* the input being read, -1 if none */
    uint64_t base; /* bytes done before fd's */
    uint64_t added;
    struct timespec t0;
};

uint64_t cli_progress_size(char *const *paths, int n)
{
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        struct stat st;
        int rc = strcmp(paths[i], "-") == 0 ? fstat(0, &st) : stat(paths[i], &st);
        if (rc != 0 || !S_ISREG(st.st_mode))
            return 0;
        total += (uint64_t)st.st_size;
    }
    return total;
}

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void human(char *buf, size_t cap, double bytes)
{
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB"};
    int u = 0;
    while (bytes >= 1000 && u < 4)
        bytes /= 1000, u++;
    snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", bytes, units[u]);
}

static int columns(void)
{
    struct winsize ws;
    if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col < 200 ? ws.ws_col : 200;
    return 80;
}

/* Bytes done now (mutex held): the input's offset, or for a pipe, whatever
 * the caller counted with cli_progress_add. */
static uint64_t done_now(cli_progress *p)
{
    uint64_t d = p->base;
    off_t off = p->fd >= 0 ? lseek(p->fd, 0, SEEK_CUR) : -1; /* only reads the offset */
    if (off >= 0)
        d += (uint64_t)off;
    else
        d += p->added;
    return d;
}

static void draw(cli_progress *p, uint64_t done, int last)
{
    double t = since(&p->t0);
    double rate = t > 0 ? (double)done / t : 0;
    char d[32], tot[32], r[32], eta[32] = "";
    human(d, sizeof d, (double)done);
    human(r, sizeof r, rate);
    char line[512];
    int width = columns() - 1;
    if (p->total) {
        if (done > p->total)
            done = p->total;
        human(tot, sizeof tot, (double)p->total);
        double frac = (double)done / (double)p->total;
        if (!last && rate > 0) {
            long s = (long)((double)(p->total - done) / rate + 0.5);
            snprintf(eta, sizeof eta, "  ETA %ld:%02ld", s / 60, s % 60);
        }
        char tail[160];
        int tl = snprintf(tail, sizeof tail, " %3d%%  %s / %s  %s/s%s", (int)(frac * 100), d, tot, r, eta);
        (void)tl;
        int bar = width - 9 - 46; /* "onoma: [" "]", and room for the figures: a bar of steady length */
        if (bar < 10)
            bar = 10;
        if (bar > 50)
            bar = 50;
        int fill = (int)(frac * bar + 0.5);
        char cells[64];
        for (int i = 0; i < bar; i++)
            cells[i] = i < fill ? '#' : '-';
        cells[bar] = 0;
        snprintf(line, sizeof line, "onoma: [%s]%s", cells, tail);
    } else {
        snprintf(line, sizeof line, "onoma: %s  %s/s", d, r);
    }
    /* \r and erase to the end of the line: the bar redraws itself in place */
    fprintf(stderr, p->tty ? "\r%s\033[K" : "\r%s", line);
    if (last && !p->tty)
        fputc('\n', stderr);
    fflush(stderr);
    p->drawn = 1;
}

static void *run(void *arg)
{
    cli_progress *p = arg;
    pthread_mutex_lock(&p->mu);
    while (!p->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += TICK_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L)
            until.tv_sec++, until.tv_nsec -= 1000000000L;
        int rc = pthread_cond_timedwait(&p->cv, &p->mu, &until);
        if (p->stop)
            break;
        if (rc == ETIMEDOUT && (p->forced || since(&p->t0) * 1000 >= DELAY_MS))
            draw(p, done_now(p), 0);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

cli_progress *cli_progress_start(int mode, uint64_t total, int output_tty)
{
    if (mode == CLI_PROGRESS_OFF)
        return NULL;
    int tty = isatty(2);
    if (mode == CLI_PROGRESS_AUTO && (!tty || output_tty || total == 0))
        return NULL;
    cli_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL; /* no bar is no failure */
    p->forced = mode == CLI_PROGRESS_ON;
    p->tty = tty;
    p->total = total;
    p->fd = -1;
    clock_gettime(CLOCK_MONOTONIC, &p->t0);
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    if (pthread_create(&p->thread, NULL, run, p) != 0) {
        pthread_cond_destroy(&p->cv);
        pthread_mutex_destroy(&p->mu);
        free(p);
        return NULL;
    }
    return p;
}

void cli_progress_track(cli_progress *p, int fd, uint64_t done)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    uint64_t now = done_now(p); /* a pipe's size is known only now: keep what was counted */
    p->base = done > now ? done : now;
    p->fd = fd;
    p->added = 0;
    pthread_mutex_unlock(&p->mu);
}

void cli_progress_add(cli_progress *p, uint64_t n)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->added += n;
    pthread_mutex_unlock(&p->mu);
}

void cli_progress_stop(cli_progress **pp)
{
    cli_progress *p = pp ? *pp : NULL;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    if (p->forced && !p->tty) {
        draw(p, done_now(p), 1); /* a log keeps the final state */
    } else if (p->drawn) {
        fputs("\r\033[K", stderr); /* a terminal gets its line back */
        fflush(stderr);
    }
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
    *pp = NULL;
}
