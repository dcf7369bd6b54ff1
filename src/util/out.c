/*
 * out.c - output settings and stderr notes.
 */
#include "util/out.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct out_settings out_opts;

void out_init(int json, int verbose, int quiet, const char *color_mode)
{
    out_opts.json = json;
    out_opts.verbose = verbose;
    out_opts.quiet = quiet;
    const char *no_color = getenv("NO_COLOR");
    /* an explicit --color=always overrides NO_COLOR, as no-color.org allows */
    int always = color_mode && !strcmp(color_mode, "always");
    int never = (color_mode && !strcmp(color_mode, "never")) || (no_color && *no_color && !always);
    const char *term = getenv("TERM");
    int dumb = term && !strcmp(term, "dumb");
    out_opts.color_stdout = !never && !json && (always || (isatty(STDOUT_FILENO) && !dumb));
    out_opts.color_stderr = !never && (always || (isatty(STDERR_FILENO) && !dumb));
}

const char *sty(FILE *f, enum out_style s)
{
    static const char *const codes[] = {
        [STY_RESET] = "\033[0m", [STY_BOLD] = "\033[1m",   [STY_DIM] = "\033[2m",
        [STY_RED] = "\033[31m",  [STY_GREEN] = "\033[32m", [STY_YELLOW] = "\033[33m",
        [STY_BLUE] = "\033[34m", [STY_CYAN] = "\033[36m",
    };
    int on = (f == stdout) ? out_opts.color_stdout : (f == stderr) ? out_opts.color_stderr : 0;
    return on ? codes[s] : "";
}

__attribute__((format(printf, 3, 0))) static void vnote(const char *label, enum out_style s,
                                                        const char *fmt, va_list ap)
{
    fprintf(stderr, "%s%s%s", sty(stderr, s), label, sty(stderr, STY_RESET));
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void out_note(const char *fmt, ...)
{
    if (out_opts.quiet)
        return;
    va_list ap;
    va_start(ap, fmt);
    vnote("note: ", STY_CYAN, fmt, ap);
    va_end(ap);
}

void out_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vnote("warning: ", STY_YELLOW, fmt, ap);
    va_end(ap);
}

void out_debug(const char *fmt, ...)
{
    if (!out_opts.verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    vnote("debug: ", STY_DIM, fmt, ap);
    va_end(ap);
}
