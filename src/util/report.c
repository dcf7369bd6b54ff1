/*
 * report.c - human and JSON rendering of errors.
 */
#include "util/report.h"
#include "util/buf.h"
#include "util/out.h"

#include <string.h>

static int digits(int n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

static int count_lines(const char *s)
{
    if (!s)
        return 0;
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* Print the lines of `text` (empty lines included) numbered from `first`. */
static void print_numbered(FILE *f, const char *text, int first, int w)
{
    const char *p = text;
    int total = count_lines(text);
    for (int k = 0; k < total; k++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len && p[len - 1] == '\r')
            len--;
        fprintf(f, "%s%*d |%s %.*s\n", sty(f, STY_BLUE), w, first + k, sty(f, STY_RESET), (int)len,
                p);
        p = nl ? nl + 1 : p + len;
    }
}

/* The caret line: keep tabs from the source so the caret lines up. */
static void print_caret(FILE *f, const char *line, int col, int w)
{
    fprintf(f, "%s%*s |%s ", sty(f, STY_BLUE), w, "", sty(f, STY_RESET));
    int c = 1;
    for (const unsigned char *p = (const unsigned char *)line; *p && c < col; p++) {
        if ((*p & 0xC0) == 0x80)
            continue;
        fputc(*p == '\t' ? '\t' : ' ', f);
        c++;
    }
    fprintf(f, "%s^%s\n", sty(f, STY_RED), sty(f, STY_RESET));
}

static void field(FILE *f, const char *name, const char *value)
{
    if (!value || !*value)
        return;
    fprintf(f, "  %s=%s %s: ", sty(f, STY_BLUE), sty(f, STY_RESET), name);
    /* indent continuation lines under the value */
    for (const char *p = value; *p; p++) {
        fputc(*p, f);
        if (*p == '\n' && p[1])
            fputs("      ", f);
    }
    fputc('\n', f);
}

void report_error_human(FILE *f, const struct pm_err *e)
{
    fprintf(f, "%serror", sty(f, STY_RED));
    if (e->code)
        fprintf(f, "[%s]", e->code);
    fprintf(f, "%s: %s%s%s\n", sty(f, STY_RESET), sty(f, STY_BOLD),
            e->primary ? e->primary : "unknown error", sty(f, STY_RESET));
    if (e->file) {
        int last = e->line + count_lines(e->src_after);
        int w = digits(last > 0 ? last : 1);
        if (e->line > 0)
            fprintf(f, "%*s%s-->%s %s:%d:%d\n", w, "", sty(f, STY_BLUE), sty(f, STY_RESET), e->file,
                    e->line, e->col);
        else
            fprintf(f, "%*s%s-->%s %s\n", w, "", sty(f, STY_BLUE), sty(f, STY_RESET), e->file);
        if (e->src_line) {
            fprintf(f, "%s%*s |%s\n", sty(f, STY_BLUE), w, "", sty(f, STY_RESET));
            int nb = count_lines(e->src_before);
            print_numbered(f, e->src_before, e->line - nb, w);
            print_numbered(f, e->src_line, e->line, w);
            print_caret(f, e->src_line, e->col, w);
            print_numbered(f, e->src_after, e->line + 1, w);
        }
    }
    if (e->sqlstate[0])
        field(f, "sqlstate", e->sqlstate);
    field(f, "detail", e->detail);
    field(f, "hint", e->hint);
    field(f, "context", e->context);
    if (e->note)
        fprintf(f, "%snote:%s %s\n", sty(f, STY_CYAN), sty(f, STY_RESET), e->note);
    if (e->next) {
        const char *p = e->next;
        int multi = strchr(p, '\n') != NULL;
        fprintf(f, "%snext:%s%s", sty(f, STY_GREEN), sty(f, STY_RESET), multi ? "\n" : " ");
        while (*p) {
            const char *nl = strchr(p, '\n');
            size_t len = nl ? (size_t)(nl - p) : strlen(p);
            fprintf(f, "%s%.*s\n", multi ? "  " : "", (int)len, p);
            p = nl ? nl + 1 : p + len;
        }
    }
}

void report_error_json(struct json *j, const struct pm_err *e)
{
    json_object_begin(j);
    json_kstr(j, "code", e->code);
    json_kstr(j, "message", e->primary);
    if (e->sqlstate[0])
        json_kstr(j, "sqlstate", e->sqlstate);
    else
        json_knull(j, "sqlstate");
    json_kstr(j, "detail", e->detail);
    json_kstr(j, "hint", e->hint);
    json_kstr(j, "context", e->context);
    json_kstr(j, "note", e->note);
    json_kstr(j, "migration", e->migration);
    if (e->statement > 0)
        json_kint(j, "statement", e->statement);
    else
        json_knull(j, "statement");
    json_kstr(j, "file", e->file);
    if (e->line > 0) {
        json_kint(j, "line", e->line);
        json_kint(j, "column", e->col);
    } else {
        json_knull(j, "line");
        json_knull(j, "column");
    }
    json_key(j, "next");
    json_array_begin(j);
    for (const char *p = e->next; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_strn(j, p, len);
        p = nl ? nl + 1 : p + len;
    }
    json_array_end(j);
    json_kint(j, "exit_code", e->exit_code);
    json_object_end(j);
}
