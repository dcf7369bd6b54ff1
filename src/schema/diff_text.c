/*
 * diff_text.c - the differ's text helpers: string vectors, a map from object
 * pointers, a tokenizer for the SQL that PostgreSQL renders, and the names,
 * identifiers and words found in that SQL.
 */
#include "schema/diff_internal.h"

#include "util/mem.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ================================================================ helpers */

int str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

int str_cmp0(const char *a, const char *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return strcmp(a, b);
}

const char *or_none(const char *s)
{
    return s ? s : "none";
}

void strv_push(struct strv *s, char *owned)
{
    ALLOC_GROW(s->v, s->n + 1, s->cap);
    s->v[s->n++] = owned;
}

void strv_release(struct strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

int strv_has(const struct strv *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x))
            return 1;
    return 0;
}

static int cmp_strp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop duplicates, so that strv_sorted_has() can bisect. */
void strv_sort_unique(struct strv *s)
{
    if (s->n < 2)
        return;
    qsort(s->v, s->n, sizeof(*s->v), cmp_strp);
    size_t k = 1;
    for (size_t i = 1; i < s->n; i++) {
        if (!strcmp(s->v[i], s->v[k - 1]))
            free(s->v[i]);
        else
            s->v[k++] = s->v[i];
    }
    s->n = k;
}

int strv_sorted_has(const struct strv *s, const char *x)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->v[mid], x);
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

int same_strs(char *const *a, size_t na, char *const *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++)
        if (!str_eq(a[i], b[i]))
            return 0;
    return 1;
}

void join_strs(struct buf *b, char *const *v, size_t n, const char *sep)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_adds(b, sep);
        buf_adds(b, v[i] ? v[i] : "");
    }
}

/* "a, b" in a buffer this call returns. Caller frees. */
char *joined(char *const *v, size_t n, const char *sep)
{
    struct buf b = BUF_INIT;
    join_strs(&b, v, n, sep);
    return buf_detach(&b, NULL);
}

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

size_t *pmap_slot(struct pmap *m, const void *k, int create)
{
    if (create && (m->n + 1) * 2 > m->cap) {
        struct pmap old = *m;
        m->cap = old.cap ? old.cap * 2 : 64;
        m->keys = xcalloc(m->cap, sizeof(*m->keys));
        m->vals = xcalloc(m->cap, sizeof(*m->vals));
        m->n = 0;
        for (size_t i = 0; i < old.cap; i++)
            if (old.keys[i])
                *pmap_slot(m, old.keys[i], 1) = old.vals[i];
        free(old.keys);
        free(old.vals);
    }
    if (!m->cap)
        return NULL;
    for (size_t i = ptr_hash(k) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (m->keys[i] == k)
            return &m->vals[i];
        if (!m->keys[i]) {
            if (!create)
                return NULL;
            m->keys[i] = k;
            m->vals[i] = 0;
            m->n++;
            return &m->vals[i];
        }
    }
}

void pmap_release(struct pmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

/* ============================================================ SQL tokens */

static int is_ident_start(int c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static int is_ident_char(int c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

void tok_next(const char *s, size_t *pos, struct tok *t)
{
    size_t i = *pos;
    for (;;) {
        while (s[i] && isspace((unsigned char)s[i]))
            i++;
        if (s[i] == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n')
                i++;
            continue;
        }
        if (s[i] == '/' && s[i + 1] == '*') {
            i += 2;
            while (s[i] && !(s[i] == '*' && s[i + 1] == '/'))
                i++;
            if (s[i])
                i += 2;
            continue;
        }
        break;
    }
    size_t st = i;
    unsigned char c = (unsigned char)s[i];
    t->p = s + i;
    if (!c) {
        t->kind = TK_END;
    } else if (c == '"') {
        t->kind = TK_QIDENT;
        for (i++; s[i]; i++) {
            if (s[i] == '"') {
                if (s[i + 1] == '"') {
                    i++;
                    continue;
                }
                i++;
                break;
            }
        }
    } else if (c == '\'' || ((c == 'E' || c == 'e') && s[i + 1] == '\'')) {
        int esc = c != '\'';
        t->kind = TK_STRING;
        for (i += esc ? 2 : 1; s[i]; i++) {
            if ((esc && s[i] == '\\' && s[i + 1]) || (s[i] == '\'' && s[i + 1] == '\'')) {
                i++; /* an escaped character or a doubled quote */
                continue;
            }
            if (s[i] == '\'') {
                i++;
                break;
            }
        }
    } else if (c == '$' && (s[i + 1] == '$' || is_ident_start((unsigned char)s[i + 1]))) {
        size_t j = i + 1;
        while (s[j] && s[j] != '$' && is_ident_char((unsigned char)s[j]))
            j++;
        if (s[j] == '$') {
            size_t taglen = j + 1 - i;
            const char *close = NULL;
            for (const char *p = s + j + 1; *p && !close; p++)
                if (*p == '$' && !strncmp(p, s + i, taglen))
                    close = p;
            t->kind = TK_STRING;
            i = close ? (size_t)(close - s) + taglen : strlen(s);
        } else {
            t->kind = TK_OP;
            i++;
        }
    } else if (is_ident_start(c)) {
        t->kind = TK_WORD;
        while (s[i] && is_ident_char((unsigned char)s[i]))
            i++;
    } else if (isdigit(c)) {
        t->kind = TK_NUMBER;
        while (isdigit((unsigned char)s[i]) || s[i] == '.')
            i++;
        if ((s[i] == 'e' || s[i] == 'E') &&
            (isdigit((unsigned char)s[i + 1]) ||
             ((s[i + 1] == '+' || s[i + 1] == '-') && isdigit((unsigned char)s[i + 2])))) {
            i += 2;
            while (isdigit((unsigned char)s[i]))
                i++;
        }
    } else if (c == ':' && s[i + 1] == ':') {
        t->kind = TK_OP;
        i += 2;
    } else {
        t->kind = TK_OP;
        i++;
    }
    t->len = i - st;
    *pos = i;
}

/* A bare word equal to `word` (case-insensitive). */
int diff_tok_is(const struct tok *t, const char *word)
{
    return t->kind == TK_WORD && strlen(word) == t->len && !strncasecmp(t->p, word, t->len);
}

int tok_op(const struct tok *t, const char *op)
{
    return t->kind == TK_OP && strlen(op) == t->len && !strncmp(t->p, op, t->len);
}

/* The identifier a token spells (quotes removed, bare words folded), or NULL. Caller frees. */
char *tok_ident(const struct tok *t)
{
    if (t->kind == TK_WORD) {
        char *s = xstrndup(t->p, t->len);
        for (char *p = s; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        return s;
    }
    if (t->kind == TK_QIDENT && t->len >= 2) {
        struct buf b = BUF_INIT;
        for (size_t i = 1; i + 1 < t->len; i++) {
            buf_addch(&b, t->p[i]);
            if (t->p[i] == '"' && t->p[i + 1] == '"')
                i++;
        }
        return buf_detach(&b, NULL);
    }
    return NULL;
}

/* The text of a '...' or E'...' literal token. Caller frees. */
char *tok_literal(const struct tok *t)
{
    if (t->kind != TK_STRING || t->len < 2 || t->p[t->len - 1] != '\'')
        return NULL;
    int esc = t->p[0] != '\'';
    if (t->p[0] == '$')
        return NULL;
    struct buf b = BUF_INIT;
    for (size_t i = esc ? 2 : 1; i + 1 < t->len; i++) {
        /* skip the escaping backslash or the first of a doubled quote */
        if ((esc && t->p[i] == '\\' && i + 2 < t->len) || (t->p[i] == '\'' && t->p[i + 1] == '\''))
            i++;
        buf_addch(&b, t->p[i]);
    }
    return buf_detach(&b, NULL);
}

/* Parse `[schema.]name` (each part bare or quoted) making up all of s. 0 on success. */
int parse_qname(const char *s, char **schema, char **name)
{
    size_t pos = 0;
    struct tok a, dot, b, end;
    *schema = *name = NULL;
    tok_next(s, &pos, &a);
    if (a.kind != TK_WORD && a.kind != TK_QIDENT)
        return -1;
    tok_next(s, &pos, &dot);
    if (dot.kind == TK_END) {
        *name = tok_ident(&a);
        return 0;
    }
    if (!tok_op(&dot, "."))
        return -1;
    tok_next(s, &pos, &b);
    tok_next(s, &pos, &end);
    if ((b.kind != TK_WORD && b.kind != TK_QIDENT) || end.kind != TK_END)
        return -1;
    *schema = tok_ident(&a);
    *name = tok_ident(&b);
    return 0;
}

/* A type name: `[schema.]name` followed by array brackets (counted in *dims). */
int parse_type_name(const char *type, char **schema, char **name, int *dims)
{
    size_t n = strlen(type);
    int k = 0;
    while (n >= 2 && type[n - 2] == '[' && type[n - 1] == ']') {
        n -= 2;
        k++;
    }
    char *base = xstrndup(type, n);
    int rc = parse_qname(base, schema, name);
    free(base);
    *dims = k;
    return rc;
}

/* Every identifier in a SQL text, for mentions(): sorted, unique. */
void ident_set(const char *sql, struct strv *out)
{
    size_t pos = 0;
    struct tok t;
    if (!sql)
        return;
    for (tok_next(sql, &pos, &t); t.kind != TK_END; tok_next(sql, &pos, &t)) {
        char *id = tok_ident(&t);
        if (id)
            strv_push(out, id);
    }
    strv_sort_unique(out);
}

/* `name` occurs in raw text (function bodies are literals to the tokenizer) as a whole word. */
int mentions_raw(const char *text, const char *name)
{
    size_t n = strlen(name);
    if (!text || !n)
        return 0;
    for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
        int before = p > text ? (unsigned char)p[-1] : ' ';
        int after = (unsigned char)p[n];
        if (!is_ident_char(before) && !is_ident_char(after))
            return 1;
    }
    return 0;
}

/* Words of a text (identifier characters), sorted: what a definition may mention. */
void word_set(const char *text, struct strv *out)
{
    if (!text)
        return;
    for (const char *p = text; *p;) {
        if (!is_ident_char((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *st = p;
        while (*p && is_ident_char((unsigned char)*p))
            p++;
        strv_push(out, xstrndup(st, (size_t)(p - st)));
    }
    strv_sort_unique(out);
}

/* The identifiers of a parenthesised list `( a, "B" )` starting at *pos; -1 unless plain names. */
int ident_list(const char *s, size_t *pos, struct strv *out)
{
    struct tok t;
    tok_next(s, pos, &t);
    if (!tok_op(&t, "("))
        return -1;
    for (;;) {
        tok_next(s, pos, &t);
        char *id = tok_ident(&t);
        if (!id)
            return -1;
        strv_push(out, id);
        tok_next(s, pos, &t);
        if (tok_op(&t, ")"))
            return 0;
        if (!tok_op(&t, ","))
            return -1;
    }
}

int definition_not_valid(const char *def)
{
    size_t n = def ? strlen(def) : 0;
    return n >= 9 && !strcmp(def + n - 9, "NOT VALID");
}
