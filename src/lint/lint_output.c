/*
 * lint_output.c - lint findings as a compiler prints them
 * (file:line:col: severity[ID] message, the line and a caret), the summary
 * line, and the --json document.
 */
#include "lint/lint.h"
#include "util/json.h"
#include "util/out.h"
#include "util/srcpos.h"

#include <stdint.h>
#include <stdio.h>

/* ---- output ------------------------------------------------------------------------ */

static enum out_style sev_style(enum lint_severity s)
{
    return s == LINT_SEV_ERROR ? STY_RED : s == LINT_SEV_WARNING ? STY_YELLOW : STY_CYAN;
}

void lint_print_human(FILE *f, const struct lint_report *r, int excerpt)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct lint_finding *x = &r->v[i];
        const struct lint_rule_info *ri = lint_rule_info(x->rule);
        fprintf(f, "%s%s:%d:%d:%s %s%s[%s]%s %s\n", sty(f, STY_BOLD), x->file, x->line, x->col,
                sty(f, STY_RESET), sty(f, sev_style(x->severity)), lint_severity_name(x->severity),
                ri->id, sty(f, STY_RESET), x->message);
        if (!excerpt)
            continue;
        int w = 1;
        for (int l = x->line; l >= 10; l /= 10)
            w++;
        fprintf(f, "%s%*d |%s %s\n", sty(f, STY_BLUE), w, x->line, sty(f, STY_RESET),
                x->src_line ? x->src_line : "");
        fprintf(f, "%s%*s |%s ", sty(f, STY_BLUE), w, "", sty(f, STY_RESET));
        int c = 1;
        for (const unsigned char *p = (const unsigned char *)(x->src_line ? x->src_line : "");
             *p && c < x->col; p++) {
            if ((*p & 0xC0) == 0x80)
                continue;
            fputc(*p == '\t' ? '\t' : ' ', f);
            c++;
        }
        fprintf(f, "%s^%s\n", sty(f, sev_style(x->severity)), sty(f, STY_RESET));
        fprintf(f, "%*s %s= help:%s %s (pgmig lint --explain %s)\n", w, "", sty(f, STY_BLUE),
                sty(f, STY_RESET), ri->help, ri->id);
    }
}

static void plural(FILE *f, size_t n, const char *one, const char *many)
{
    fprintf(f, "%zu %s", n, n == 1 ? one : many);
}

void lint_print_summary(FILE *f, const struct lint_report *r)
{
    if (!r->n) {
        fputs("No findings in ", f);
    } else {
        plural(f, r->errors, "error", "errors");
        fputs(", ", f);
        plural(f, r->warnings, "warning", "warnings");
        fputs(", ", f);
        plural(f, r->suggestions, "suggestion", "suggestions");
        fputs(" in ", f);
    }
    plural(f, r->files, "file", "files");
    fputs(" (", f);
    plural(f, r->statements, "statement", "statements");
    if (r->suppressed)
        fprintf(f, "; %zu suppressed", r->suppressed);
    fputs(")\n", f);
}

void lint_json(struct json *j, const struct lint_report *r)
{
    json_key(j, "findings");
    json_array_begin(j);
    for (size_t i = 0; i < r->n; i++) {
        const struct lint_finding *x = &r->v[i];
        json_object_begin(j);
        json_kstr(j, "file", x->file);
        json_kint(j, "line", x->line);
        json_kint(j, "column", x->col);
        json_kstr(j, "rule", lint_rule_info(x->rule)->id);
        json_kstr(j, "severity", lint_severity_name(x->severity));
        json_kstr(j, "message", x->message);
        json_kstr(j, "help", lint_rule_info(x->rule)->help);
        json_kstr(j, "migration", x->migration);
        json_kint(j, "statement", (int64_t)x->stmt + 1);
        json_object_end(j);
    }
    json_array_end(j);
    json_key(j, "counts");
    json_object_begin(j);
    json_kint(j, "errors", (int64_t)r->errors);
    json_kint(j, "warnings", (int64_t)r->warnings);
    json_kint(j, "suggestions", (int64_t)r->suggestions);
    json_kint(j, "suppressed", (int64_t)r->suppressed);
    json_kint(j, "files", (int64_t)r->files);
    json_kint(j, "statements", (int64_t)r->statements);
    json_key(j, "rules");
    json_object_begin(j);
    for (size_t i = 0; i < LINT_RULE_COUNT; i++)
        json_kint(j, lint_rule_info((enum lint_rule)i)->id, (int64_t)r->by_rule[i]);
    json_object_end(j);
    json_object_end(j);
}
