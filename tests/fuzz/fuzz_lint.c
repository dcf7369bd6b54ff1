/*
 * fuzz_lint.c - libFuzzer target for the lint entry points: the input is
 * linted as one file (lint_text) and, split at lines `-- migration: NAME`, as
 * a migrations directory with part of it as history (lint_migrations). Every
 * finding must name a real rule with its severity, point inside the file, and
 * the counts must add up; never a crash or a leak.
 */
#include "history/migdir.h"
#include "lint/lint.h"
#include "util/mem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_report(const struct lint_report *r, size_t max_len)
{
    size_t by_sev[3] = {0, 0, 0}, by_rule = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct lint_finding *f = &r->v[i];
        const struct lint_rule_info *ri = lint_rule_info(f->rule);
        REQUIRE(ri != NULL && ri->severity == f->severity);
        REQUIRE(f->line >= 1 && f->col >= 1 && f->offset <= max_len);
        REQUIRE(f->file && f->message && f->message[0] && f->src_line);
        REQUIRE(strchr(f->src_line, '\n') == NULL);
        by_sev[f->severity]++;
    }
    for (size_t k = 0; k < LINT_RULE_COUNT; k++)
        by_rule += r->by_rule[k];
    REQUIRE(by_sev[LINT_SEV_ERROR] == r->errors && by_sev[LINT_SEV_WARNING] == r->warnings &&
            by_sev[LINT_SEV_SUGGESTION] == r->suggestions && by_rule == r->n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char marker[] = "-- migration: ";
    const char *text = (const char *)data;
    struct lint_opts o;
    struct lint_report r = {0};
    struct pm_err e = PM_ERR_INIT;
    struct migdir d = {0};

    lint_opts_init(&o);
    /* the first byte picks a server version (before 11, 11, 12+, unknown) */
    if (size) {
        static const int versions[] = {0, 100000, 110000, 120000, 170000};
        o.pg_version = versions[data[0] % 5];
    }
    REQUIRE(lint_text("fuzz.sql", text, size, &o, &r, &e) == 0);
    check_report(&r, size);
    lint_report_release(&r);

    /* migrations: the text before the first marker is migration "0" */
    size_t start = 0;
    for (size_t i = 0; i <= size; i++) {
        int at_marker = i + sizeof(marker) - 1 <= size && (i == 0 || text[i - 1] == '\n') &&
                        memcmp(text + i, marker, sizeof(marker) - 1) == 0;
        if (i < size && !at_marker)
            continue;
        if (i > start || d.n == 0) {
            ALLOC_GROW(d.v, d.n + 1, d.cap);
            struct migration *m = &d.v[d.n];
            memset(m, 0, sizeof(*m));
            m->name = xasprintf("%zu_m", d.n);
            m->path = xasprintf("fuzz/%zu_m/migration.sql", d.n);
            m->text = xmalloc(i - start + 1); /* the bytes as they are, NULs included */
            if (i > start)
                memcpy(m->text, text + start, i - start);
            m->text[i - start] = '\0';
            m->len = i - start;
            d.n++;
        }
        start = i;
        if (d.n >= 64)
            break;
    }
    size_t from = size > 1 ? data[1] % (d.n + 1) : 0;
    REQUIRE(lint_migrations(&d, from, &o, &r, &e) == 0);
    check_report(&r, size);
    lint_report_release(&r);
    migdir_release(&d);
    pm_err_release(&e);
    return 0;
}
