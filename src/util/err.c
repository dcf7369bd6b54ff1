/*
 * err.c - filling and releasing struct pm_err.
 */
#include "util/err.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/srcpos.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 2, 0))) static void set_field(char **field, const char *fmt,
                                                            va_list ap)
{
    free(*field);
    *field = xvasprintf(fmt, ap);
}

int pm_err_set(struct pm_err *e, int exit_code, const char *fmt, ...)
{
    va_list ap;
    e->exit_code = exit_code;
    va_start(ap, fmt);
    set_field(&e->primary, fmt, ap);
    va_end(ap);
    return -1;
}

void pm_err_detail(struct pm_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_field(&e->detail, fmt, ap);
    va_end(ap);
}

void pm_err_hint(struct pm_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_field(&e->hint, fmt, ap);
    va_end(ap);
}

void pm_err_note(struct pm_err *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    set_field(&e->note, fmt, ap);
    va_end(ap);
}

void pm_err_next(struct pm_err *e, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    if (e->next) {
        buf_adds(&b, e->next);
        buf_addch(&b, '\n');
        free(e->next);
    }
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    e->next = buf_detach(&b, NULL);
}

void pm_err_prefix(struct pm_err *e, const char *fmt, ...)
{
    struct buf b = BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    if (e->primary) {
        buf_adds(&b, ": ");
        buf_adds(&b, e->primary);
        free(e->primary);
    }
    e->primary = buf_detach(&b, NULL);
}

/* The up to `count` lines before the line starting at byte `line_start`. */
static char *lines_before(const char *text, size_t line_start, int count)
{
    if (line_start == 0)
        return NULL;
    size_t end = line_start - 1; /* the '\n' ending the previous line */
    size_t start = end;
    for (int i = 0; i < count; i++) {
        while (start > 0 && text[start - 1] != '\n')
            start--;
        if (i + 1 == count || start == 0)
            break;
        start--; /* onto the '\n' ending the line before */
    }
    return xstrndup(text + start, end - start);
}

/* The up to `count` lines after the line ending at byte `line_end` (blank ones included). */
static char *lines_after(const char *text, size_t len, size_t line_end, int count)
{
    size_t start = line_end + 1;
    if (line_end >= len || start >= len)
        return NULL;
    size_t end = start;
    for (int i = 0; i < count; i++) {
        size_t e = end;
        while (e < len && text[e] != '\n')
            e++;
        end = e; /* the end of line i */
        if (i + 1 == count || e + 1 >= len)
            break; /* enough, or no line after it (a final newline ends the text) */
        end = e + 1;
    }
    return xstrndup(text + start, end - start);
}

void pm_err_locate(struct pm_err *e, const char *file, const char *text, size_t len, size_t offset)
{
    struct srcpos p = srcpos_of(text, len, offset);
    free(e->file);
    free(e->src_line);
    free(e->src_before);
    free(e->src_after);
    e->file = xstrdup(file);
    e->line = p.line;
    e->col = p.col;
    size_t end = p.line_end;
    if (end > p.line_start && text[end - 1] == '\r')
        end--;
    e->src_line = xstrndup(text + p.line_start, end - p.line_start);
    e->src_before = lines_before(text, p.line_start, 2);
    e->src_after = lines_after(text, len, p.line_end, 2);
}

void pm_err_release(struct pm_err *e)
{
    free(e->primary);
    free(e->detail);
    free(e->hint);
    free(e->context);
    free(e->note);
    free(e->next);
    free(e->migration);
    free(e->file);
    free(e->src_line);
    free(e->src_before);
    free(e->src_after);
    memset(e, 0, sizeof(*e));
}

void pm_err_move(struct pm_err *dst, struct pm_err *src)
{
    pm_err_release(dst);
    *dst = *src;
    memset(src, 0, sizeof(*src));
}
