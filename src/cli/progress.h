/* A progress bar on standard error for long jobs (--progress, --no-progress).
 *
 * A thread redraws the bar a few times a second from how far the input file
 * descriptor has been read (its file offset), so the work itself reports
 * nothing: the library reads the descriptor as it always does, with one
 * thread or many. Use:
 *
 *     cli_progress *pg = cli_progress_start(mode, cli_progress_size(files, n), out_is_terminal);
 *     for each input:  cli_progress_track(pg, fd, bytes_done_before);  ...read fd...
 *                      cli_progress_track(pg, -1, bytes_done_after);   (before closing fd)
 *     cli_progress_stop(&pg);   (also before printing an error: it clears the bar)
 *
 * All functions accept a NULL cli_progress (nothing shown). */
#ifndef ONOMA_CLI_PROGRESS_H
#define ONOMA_CLI_PROGRESS_H

#include <stdint.h>

enum {
    CLI_PROGRESS_AUTO, /* when standard error is a terminal, the output is not, and the size is known */
    CLI_PROGRESS_ON,   /* --progress: always */
    CLI_PROGRESS_OFF,  /* --no-progress: never */
};

/* The options' lines for a subcommand's --help. */
#define CLI_PROGRESS_HELP                                                                    \
    "      --progress           show a progress bar on standard error (by default only\n"    \
    "                           when it is a terminal, the output is not, and the input\n"   \
    "                           size is known; never in pipes)\n"                            \
    "      --no-progress        never show it\n"

typedef struct cli_progress cli_progress;

/* Bytes in the inputs (paths; "-" is standard input), or 0 when the size of
 * one is unknown (a pipe, a terminal). */
uint64_t cli_progress_size(char *const *paths, int n);

/* Start showing progress over total bytes (0: unknown; the bar then shows
 * bytes and rate only). output_tty: the output goes to the terminal too (a
 * bar would mix with it: not shown in AUTO mode). Returns NULL when nothing
 * is to be shown. */
cli_progress *cli_progress_start(int mode, uint64_t total, int output_tty);

/* The input now being read (fd; -1: none) and the bytes done before it. */
void cli_progress_track(cli_progress *p, int fd, uint64_t done);

/* Bytes of the current input done, counted by the caller: used when the
 * input cannot tell its offset (a pipe). Reset by cli_progress_track. */
void cli_progress_add(cli_progress *p, uint64_t n);

/* Stop the thread and clear the bar (in --progress mode on something that
 * is not a terminal, the last state stays, on its own line). Sets *p NULL. */
void cli_progress_stop(cli_progress **p);

#endif
