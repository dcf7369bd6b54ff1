/*
 * fuzz_datasource.c - libFuzzer target for prisma/datasource.c: any text
 * either yields a datasource whose fields are consistent, no datasource, or a
 * usage error located inside the file.
 */
#include "prisma/datasource.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(const struct prisma_value *v, int block_line, int found)
{
    if (v->literal && v->env)
        abort();
    if (!found && (v->literal || v->env || v->line))
        abort();
    if ((v->literal || v->env) != (v->line > 0))
        abort();
    if (v->line && v->line < block_line)
        abort();
    if (v->env && !v->env[0])
        abort();
    const char *missing = NULL;
    char *r = prisma_value_resolve(v, &missing);
    if (v->literal && (!r || strcmp(r, v->literal) != 0))
        abort();
    if (!r && v->env && missing != v->env)
        abort();
    free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 65536)
        return 0;
    struct prisma_datasource ds;
    struct pm_err e = PM_ERR_INIT;
    int rc = prisma_datasource_parse("fuzz.prisma", (const char *)data, size, &ds, &e);
    if (rc < -1 || rc > 1)
        abort();
    if (rc == -1) {
        if (e.exit_code != PM_EXIT_USAGE || !e.primary || !e.file ||
            strcmp(e.file, "fuzz.prisma") != 0 || e.line < 1 || e.col < 1)
            abort();
    } else if (e.exit_code != 0 || e.primary) {
        abort();
    }
    if (rc == 1 && (!ds.name || !ds.name[0] || ds.line < 1))
        abort();
    if (rc != 1 && (ds.name || ds.line))
        abort();
    check_value(&ds.provider, ds.line, rc == 1);
    check_value(&ds.url, ds.line, rc == 1);
    check_value(&ds.direct_url, ds.line, rc == 1);
    check_value(&ds.shadow_url, ds.line, rc == 1);
    prisma_datasource_release(&ds);
    pm_err_release(&e);
    return 0;
}
