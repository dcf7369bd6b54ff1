/*
 * diagview.c - showing a diagnosis: the history rows, every statement with
 * its evidence from the catalog, the verdict and the next commands; as text
 * or as JSON. Shared by `diagnose`, `repair` and `deploy`'s P3009 report.
 */
#include "cmd/diagview.h"
#include "util/out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *effect_word(const struct stmt_diag *sd)
{
    return stmt_state_name(sd->state);
}

static enum out_style state_style(enum stmt_state s)
{
    switch (s) {
    case SS_PRESENT:
        return STY_GREEN;
    case SS_ABSENT:
        return STY_RED;
    case SS_DIFFERS:
        return STY_YELLOW;
    default:
        return STY_DIM;
    }
}

static void print_rows(const struct history *h, const char *name)
{
    int any = 0;
    for (size_t i = 0; i < h->n; i++) {
        const struct hist_row *r = &h->v[i];
        if (strcmp(r->name, name))
            continue;
        any = 1;
        printf("  history row %.8s: started %s, finished %s, rolled back %s, "
               "applied_steps_count %d\n",
               r->id, r->started_at, r->finished_at ? r->finished_at : "-",
               r->rolled_back_at ? r->rolled_back_at : "-", r->applied_steps_count);
        if (r->logs && *r->logs) {
            const char *p = r->logs;
            for (int n = 0; *p && n < 4; n++) {
                const char *nl = strchr(p, '\n');
                size_t len = nl ? (size_t)(nl - p) : strlen(p);
                printf("    %s%.*s%s\n", sty(stdout, STY_DIM), (int)len, p, sty(stdout, STY_RESET));
                p = nl ? nl + 1 : p + len;
            }
        }
    }
    if (!any)
        printf("  no history rows\n");
}

void diag_print_human(const struct diagnosis *d, const struct history *h,
                      const struct mig_status *ms, int verbose)
{
    const char *name = d->m->name;
    printf("%sMigration %s%s (%s)\n", sty(stdout, STY_BOLD), name, sty(stdout, STY_RESET),
           ms ? mig_state_name(ms->state) : "not recorded");
    print_rows(h, name);
    if (ms && ms->row)
        printf("  file: %s\n", d->file_changed ? "CHANGED since that attempt (checksum differs); "
                                                 "diagnosing the file as it is now"
                                               : "unchanged since that attempt");
    printf("\nStatements, checked against the catalog:\n");
    int w = 1, ow = 0;
    for (size_t n = d->n; n >= 10; n /= 10)
        w++;
    for (size_t i = 0; i < d->n; i++) {
        int len = (int)strlen(d->v[i].kind) +
                  (d->v[i].fx->object ? 1 + (int)strlen(d->v[i].fx->object) : 0);
        if (len > ow)
            ow = len < 56 ? len : 56;
    }
    for (size_t i = 0; i < d->n; i++) {
        const struct stmt_diag *sd = &d->v[i];
        char label[512];
        snprintf(label, sizeof label, "%s%s%s", sd->kind, sd->fx->object ? " " : "",
                 sd->fx->object ? sd->fx->object : "");
        printf("  %*zu  line %-4d %-*s  %s%-8s%s", w, i + 1, sd->line, ow, label,
               sty(stdout, state_style(sd->state)), effect_word(sd), sty(stdout, STY_RESET));
        if (sd->state == SS_UNKNOWN || sd->state == SS_NONE) {
            printf("  %s%s%s", sty(stdout, STY_DIM), sd->reason ? sd->reason : "",
                   sd->implied == 1   ? "; implied applied: a later statement took effect"
                   : sd->implied == 0 ? "; implied not applied: an earlier one did not"
                                      : "");
            printf("%s", sty(stdout, STY_RESET));
        } else if (sd->invalid_index) {
            printf("  an INVALID index was left by a failed CONCURRENTLY build");
        } else if (sd->state == SS_DIFFERS) {
            for (size_t k = 0; k < sd->n_checks; k++) {
                if (sd->checks[k].established || sd->checks[k].ambiguous)
                    continue;
                char *what = effect_describe(sd->checks[k].eff);
                printf("  %s %s", what, sd->checks[k].eff->present ? "is missing" : "still exists");
                free(what);
                break;
            }
        }
        putchar('\n');
        if (verbose) {
            for (size_t k = 0; k < sd->n_checks; k++) {
                const struct check *ch = &sd->checks[k];
                char *what = effect_describe(ch->eff);
                printf("  %*s        %s %s: %s%s%s\n", w, "", ch->eff->present ? "+" : "-", what,
                       ch->ambiguous       ? "cannot tell (this migration also undoes it)"
                       : ch->invalid_index ? "INVALID"
                       : ch->implied       ? "yes (implied by a later statement)"
                       : ch->established   ? "yes"
                                           : "no",
                       ch->found ? ", found " : "", ch->found ? ch->found : "");
                free(what);
            }
        }
    }
    const char *v = verdict_name(d->verdict);
    printf("\n%sVerdict: %s%s", sty(stdout, STY_BOLD), v, sty(stdout, STY_RESET));
    if (d->verdict == V_UNKNOWN)
        printf(" (no statement has an effect pgmig can check)\n");
    else
        printf(" (%zu of %zu checkable statement%s in effect%s)\n", d->present, d->checkable,
               d->checkable == 1 ? "" : "s", d->differs ? ", some only partly" : "");
}

void diag_json(struct json *j, const struct diagnosis *d, const struct history *h,
               const struct mig_status *ms)
{
    json_kstr(j, "migration", d->m->name);
    json_kstr(j, "state", ms ? mig_state_name(ms->state) : "pending");
    json_kstr(j, "verdict", verdict_name(d->verdict));
    json_kbool(j, "file_changed", d->file_changed);
    json_key(j, "history");
    json_array_begin(j);
    for (size_t i = 0; i < h->n; i++) {
        const struct hist_row *r = &h->v[i];
        if (strcmp(r->name, d->m->name))
            continue;
        json_object_begin(j);
        json_kstr(j, "id", r->id);
        json_kstr(j, "started_at", r->started_at);
        json_kstr(j, "finished_at", r->finished_at);
        json_kstr(j, "rolled_back_at", r->rolled_back_at);
        json_kint(j, "applied_steps_count", r->applied_steps_count);
        json_kstr(j, "logs", r->logs);
        json_object_end(j);
    }
    json_array_end(j);
    json_key(j, "statements");
    json_array_begin(j);
    for (size_t i = 0; i < d->n; i++) {
        const struct stmt_diag *sd = &d->v[i];
        json_object_begin(j);
        json_kint(j, "index", (int64_t)i + 1);
        json_kint(j, "line", sd->line);
        json_kstr(j, "kind", sd->kind);
        json_kstr(j, "object", sd->fx->object);
        json_kstr(j, "effect", effect_word(sd));
        json_kstr(j, "reason", sd->state == SS_UNKNOWN || sd->state == SS_NONE ? sd->reason : NULL);
        json_key(j, "implied");
        if (sd->state != SS_UNKNOWN && sd->state != SS_NONE)
            json_null(j);
        else
            json_str(j, sd->implied == 1 ? "applied" : sd->implied == 0 ? "not_applied" : NULL);
        json_kbool(j, "invalid_index", sd->invalid_index);
        json_key(j, "checks");
        json_array_begin(j);
        for (size_t k = 0; k < sd->n_checks; k++) {
            const struct check *ch = &sd->checks[k];
            char *what = effect_describe(ch->eff);
            json_object_begin(j);
            json_kstr(j, "what", what);
            json_kstr(j, "expected", ch->eff->present ? "present" : "absent");
            json_key(j, "holds");
            if (ch->ambiguous)
                json_null(j);
            else
                json_bool(j, ch->established);
            json_kbool(j, "implied", ch->implied);
            json_kstr(j, "found", ch->found);
            json_object_end(j);
            free(what);
        }
        json_array_end(j);
        json_object_end(j);
    }
    json_array_end(j);
}

void diag_print_next(const char *lines)
{
    const char *p = lines;
    int first = 1;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        printf("%s%s%s %.*s\n", sty(stdout, STY_GREEN), first ? "next:" : "     ",
               sty(stdout, STY_RESET), (int)len, p);
        first = 0;
        p = nl ? nl + 1 : p + len;
    }
}

void diag_json_next(struct json *j, const char *lines)
{
    json_key(j, "next");
    json_array_begin(j);
    for (const char *p = lines; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        json_strn(j, p, len);
        p = nl ? nl + 1 : p + len;
    }
    json_array_end(j);
}
