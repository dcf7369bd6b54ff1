/*
 * fuzz_script.c - libFuzzer target for sql_script_parse: any bytes (NULs,
 * invalid UTF-8, unterminated quotes and comments) must give either a script
 * whose spans are sane and re-parse alone to the same statement, or a located
 * error; never a crash or a leak.
 */
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

/* Statement i, parsed on its own, must be one statement spanning all of it. */
static void check_reparse(const struct sql_script *s, size_t i)
{
    const struct sql_stmt *st = &s->stmts[i];
    struct sql_script one;
    struct pm_err e = PM_ERR_INIT;
    REQUIRE(sql_script_parse(&one, "span.sql", s->text + st->start, st->len, &e) == 0);
    REQUIRE(one.n == 1);
    REQUIRE(one.stmts[0].start == 0 && one.stmts[0].len == st->len);
    REQUIRE(one.stmts[0].node == st->node && one.stmts[0].flags == st->flags);
    sql_script_release(&one);
    pm_err_release(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sql_script s;
    struct pm_err e = PM_ERR_INIT;
    const char *text = (const char *)data;

    if (sql_script_parse(&s, "fuzz.sql", text, size, &e) == 0) {
        size_t prev_end = 0;
        REQUIRE(e.primary == NULL);
        for (size_t i = 0; i < s.n; i++) {
            const struct sql_stmt *st = &s.stmts[i];
            REQUIRE(st->start >= prev_end && st->len > 0 && st->start + st->len <= size);
            REQUIRE(st->line >= 1 && st->col >= 1 && st->kind != NULL);
            REQUIRE(!memchr(" \t\n\r\f", text[st->start], 5));
            REQUIRE(!memchr(" \t\n\r\f;", text[st->start + st->len - 1], 6));
            prev_end = st->start + st->len;
            if (i < 8)
                check_reparse(&s, i);
        }
        sql_script_release(&s);
    } else {
        REQUIRE(e.exit_code == PM_EXIT_FAIL && e.primary != NULL && e.file != NULL);
        REQUIRE(e.line >= 0 && (e.line == 0 || e.col >= 1));
        REQUIRE(s.n == 0 && s.stmts == NULL);
    }
    pm_err_release(&e);
    return 0;
}
