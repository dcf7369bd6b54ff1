/*
 * fuzz_effects.c - libFuzzer target for effects_of_script: whatever parses
 * must give one stmt_effects per statement that keeps the header's promises
 * (CHECKABLE has effects and no reason, NONE has none, every effect is named
 * and describable), and release cleanly; never a crash or a leak.
 */
#include "sql/effects.h"
#include "sql/script.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            abort();                                                                               \
    } while (0)

static void check_effect(const struct effect *e)
{
    REQUIRE(e->kind >= EFF_SCHEMA && e->kind <= EFF_TRIGGER);
    REQUIRE(e->present == 0 || e->present == 1);
    REQUIRE(e->name != NULL);
    REQUIRE(!e->schema || e->schema[0]);
    REQUIRE(!e->sub || e->sub[0] || e->kind == EFF_ENUM_VALUE); /* '' is a valid label */
    REQUIRE(memchr(e->relkinds, '\0', sizeof(e->relkinds)) != NULL);
    REQUIRE(e->n_typmods >= 0 && e->n_typmods <= 2 && e->array_dims >= 0);
    if (e->kind == EFF_COLUMN || e->kind == EFF_COLUMN_TYPE || e->kind == EFF_COLUMN_NOTNULL ||
        e->kind == EFF_COLUMN_DEFAULT || e->kind == EFF_ENUM_VALUE || e->kind == EFF_TRIGGER)
        REQUIRE(e->sub != NULL);
    if (e->kind == EFF_COLUMN_TYPE)
        REQUIRE(e->type_name != NULL);
    if (e->kind == EFF_RELATION)
        REQUIRE(e->relkinds[0] != '\0');
    if (e->kind == EFF_FUNCTION)
        REQUIRE(e->nargs >= -1 && (e->nargs < 0) == (e->args == NULL));
    char *d = effect_describe(e);
    REQUIRE(d && d[0]);
    free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sql_script s;
    struct pm_err e = PM_ERR_INIT;

    if (sql_script_parse(&s, "fuzz.sql", (const char *)data, size, &e) == 0) {
        struct stmt_effects *v = effects_of_script(&s);
        REQUIRE(v != NULL);
        for (size_t i = 0; i < s.n; i++) {
            const struct stmt_effects *se = &v[i];
            switch (se->cls) {
            case EFFC_CHECKABLE:
                REQUIRE(se->n > 0 && se->reason == NULL);
                break;
            case EFFC_UNKNOWN:
                REQUIRE(se->reason && se->reason[0]);
                break;
            case EFFC_NONE:
                REQUIRE(se->reason && se->reason[0] && se->n == 0);
                break;
            default:
                abort();
            }
            REQUIRE(!se->object || se->object[0]);
            REQUIRE(se->n == 0 || se->v != NULL);
            for (size_t k = 0; k < se->n; k++)
                check_effect(&se->v[k]);
        }
        effects_release(v, s.n);
        sql_script_release(&s);
    }
    pm_err_release(&e);
    return 0;
}
