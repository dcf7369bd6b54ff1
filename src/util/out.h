/*
 * out.h - process-wide output settings: JSON or human, colour (only on a
 * terminal, never when NO_COLOR is set), verbosity. Human reports go to
 * stdout, diagnostics and notes to stderr; with --json stdout carries exactly
 * one JSON document.
 */
#ifndef PGMIG_UTIL_OUT_H
#define PGMIG_UTIL_OUT_H

#include <stdio.h>

enum out_style {
    STY_RESET,
    STY_BOLD,
    STY_DIM,
    STY_RED,
    STY_GREEN,
    STY_YELLOW,
    STY_BLUE,
    STY_CYAN,
};

struct out_settings {
    int json;
    int verbose;
    int quiet;
    int color_stdout;
    int color_stderr;
};

extern struct out_settings out_opts;

/* color_mode: "auto" (default), "always" or "never". */
void out_init(int json, int verbose, int quiet, const char *color_mode);
/* The escape sequence for style s on stream f, or "" when f is not coloured. */
const char *sty(FILE *f, enum out_style s);
/* A note on stderr ("pgmig: ..."), suppressed by --quiet. */
void out_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A warning on stderr, never suppressed. */
void out_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Verbose-only line on stderr. */
void out_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
