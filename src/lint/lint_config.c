/*
 * lint_config.c - lint options: --pg-version, --disable and the [lint] table
 * of pgmig.toml (found beside the migrations or in the working directory).
 */
#include "lint/lint.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- options and pgmig.toml ------------------------------------------------ */

void lint_opts_init(struct lint_opts *o)
{
    memset(o, 0, sizeof(*o));
}

int lint_parse_pg_version(const char *s)
{
    long part[3] = {0, 0, 0};
    int n = 0;
    const char *p = s;
    if (!s || !*s)
        return -1;
    while (n < 3) {
        char *end;
        if (!isdigit((unsigned char)*p))
            return -1;
        part[n++] = strtol(p, &end, 10);
        p = end;
        if (*p != '.')
            break;
        p++;
    }
    if (*p)
        return -1;
    if (n == 1 && part[0] >= 90000 && part[0] < 1000000)
        return (int)part[0]; /* already a server_version_num */
    if (part[0] >= 10 && part[0] < 100 && n <= 2 && part[1] < 100)
        return (int)(part[0] * 10000 + part[1]);
    if (part[0] == 9 && n >= 2 && part[1] < 100 && part[2] < 100)
        return (int)(90000 + part[1] * 100 + part[2]);
    return -1;
}

int lint_disable_list(struct lint_opts *o, const char *list, const char *where, struct pm_err *e)
{
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ", \t");
        if (n) {
            char *id = xstrndup(p, n);
            const struct lint_rule_info *ri = lint_rule_by_id(id);
            if (!ri) {
                pm_err_set(e, PM_EXIT_USAGE, "%s: unknown lint rule `%s`", where, id);
                pm_err_next(e, "pgmig lint --list   # the rule ids");
                free(id);
                return -1;
            }
            o->disabled[ri->rule] = 1;
            free(id);
        }
        p += n;
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
    }
    return 0;
}

struct toml {
    const char *path;
    const char *text;
    size_t len, pos;
    int line;
    struct pm_err *e;
};

static int toml_error(struct toml *t, const char *what)
{
    pm_err_set(t->e, PM_EXIT_USAGE, "%s:%d: %s", t->path, t->line, what);
    pm_err_hint(t->e, "the lint table reads: [lint] disable = [\"rule-id\", ...] and "
                      "pg_version = 15");
    return -1;
}

/* Skip blanks, comments and (when `lines`) newlines. */
static void toml_skip(struct toml *t, int lines)
{
    while (t->pos < t->len) {
        char c = t->text[t->pos];
        if (c == ' ' || c == '\t' || c == '\r') {
            t->pos++;
        } else if (c == '#') {
            while (t->pos < t->len && t->text[t->pos] != '\n')
                t->pos++;
        } else if (c == '\n' && lines) {
            t->pos++;
            t->line++;
        } else {
            break;
        }
    }
}

/* A basic "string" (escapes \" and \\ only) or a bare integer/word; caller frees. */
static char *toml_scalar(struct toml *t)
{
    struct buf b = BUF_INIT;
    if (t->pos < t->len && t->text[t->pos] == '"') {
        t->pos++;
        while (t->pos < t->len && t->text[t->pos] != '"' && t->text[t->pos] != '\n') {
            char c = t->text[t->pos++];
            if (c == '\\' && t->pos < t->len)
                c = t->text[t->pos++];
            buf_addch(&b, c);
        }
        if (t->pos >= t->len || t->text[t->pos] != '"') {
            buf_release(&b);
            toml_error(t, "unterminated string");
            return NULL;
        }
        t->pos++;
        return buf_detach(&b, NULL);
    }
    while (t->pos < t->len && (isalnum((unsigned char)t->text[t->pos]) || t->text[t->pos] == '.' ||
                               t->text[t->pos] == '_' || t->text[t->pos] == '-'))
        buf_addch(&b, t->text[t->pos++]);
    if (!b.len) {
        toml_error(t, "expected a value");
        return NULL;
    }
    return buf_detach(&b, NULL);
}

static int toml_lint_key(struct toml *t, struct lint_opts *o, const char *key)
{
    char where[64];
    if (strcmp(key, "disable") == 0) {
        if (t->pos >= t->len || t->text[t->pos] != '[')
            return toml_error(t, "disable must be an array of rule ids: [\"rule-id\", ...]");
        t->pos++;
        for (;;) {
            toml_skip(t, 1);
            if (t->pos < t->len && t->text[t->pos] == ']') {
                t->pos++;
                return 0;
            }
            if (t->pos >= t->len || t->text[t->pos] != '"')
                return toml_error(t, "disable must be an array of rule ids: [\"rule-id\", ...]");
            char *id = toml_scalar(t);
            if (!id)
                return -1;
            snprintf(where, sizeof where, "%d", t->line);
            if (!lint_rule_by_id(id)) {
                pm_err_set(t->e, PM_EXIT_USAGE, "%s:%d: unknown lint rule `%s`", t->path, t->line,
                           id);
                pm_err_next(t->e, "pgmig lint --list   # the rule ids");
                free(id);
                return -1;
            }
            lint_disable_list(o, id, where, t->e);
            free(id);
            toml_skip(t, 1);
            if (t->pos < t->len && t->text[t->pos] == ',')
                t->pos++;
        }
    }
    if (strcmp(key, "pg_version") == 0) {
        char *v = toml_scalar(t);
        if (!v)
            return -1;
        int num = lint_parse_pg_version(v);
        free(v);
        if (num < 0)
            return toml_error(t, "pg_version must be a PostgreSQL version such as 15 or \"15.4\"");
        o->pg_version = num;
        return 0;
    }
    char *msg = xasprintf("unknown key `%s` in [lint] (known: disable, pg_version)", key);
    toml_error(t, msg);
    free(msg);
    return -1;
}

int lint_config_load(struct lint_opts *o, char **path, struct pm_err *e)
{
    const char *name = fs_exists("pgmig.toml")    ? "pgmig.toml"
                       : fs_exists(".pgmig.toml") ? ".pgmig.toml"
                                                  : NULL;
    struct buf text = BUF_INIT;
    int in_lint = 0, rc = -1;
    if (path)
        *path = NULL;
    if (!name)
        return 0;
    if (fs_read_file(name, &text, e) < 0)
        return -1;
    struct toml t = {name, text.data, text.len, 0, 1, e};
    for (;;) {
        toml_skip(&t, 1);
        if (t.pos >= t.len)
            break;
        char c = t.text[t.pos];
        if (c == '[') {
            size_t end = t.pos;
            while (end < t.len && t.text[end] != ']' && t.text[end] != '\n')
                end++;
            if (end >= t.len || t.text[end] != ']') {
                toml_error(&t, "unterminated table header");
                goto out;
            }
            char *hdr = xstrndup(t.text + t.pos + 1, end - t.pos - 1);
            in_lint = strcmp(hdr, "lint") == 0;
            free(hdr);
            t.pos = end + 1;
        } else {
            size_t k = t.pos;
            while (k < t.len &&
                   (isalnum((unsigned char)t.text[k]) || t.text[k] == '_' || t.text[k] == '-'))
                k++;
            char *key = xstrndup(t.text + t.pos, k - t.pos);
            t.pos = k;
            toml_skip(&t, 0);
            if (!*key || t.pos >= t.len || t.text[t.pos] != '=') {
                free(key);
                toml_error(&t, "expected key = value");
                goto out;
            }
            t.pos++;
            toml_skip(&t, 0);
            int krc = 0;
            if (in_lint) {
                krc = toml_lint_key(&t, o, key);
            } else { /* another table's value: skip it, arrays included */
                int depth = 0;
                while (t.pos < t.len && (depth > 0 || t.text[t.pos] != '\n')) {
                    if (t.text[t.pos] == '[')
                        depth++;
                    else if (t.text[t.pos] == ']')
                        depth--;
                    else if (t.text[t.pos] == '\n')
                        t.line++;
                    t.pos++;
                }
            }
            free(key);
            if (krc < 0)
                goto out;
        }
        toml_skip(&t, 0);
        if (t.pos < t.len && t.text[t.pos] != '\n') {
            toml_error(&t, "unexpected text after the value");
            goto out;
        }
    }
    if (path)
        *path = xstrdup(name);
    rc = 0;
out:
    buf_release(&text);
    return rc;
}
