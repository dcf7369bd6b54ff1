/*
 * datasource.c - reads the first `datasource NAME { ... }` block of a
 * schema.prisma file: provider, url, directUrl and shadowDatabaseUrl. Other
 * blocks are skipped by balancing braces (comments and strings understood).
 */
#include "prisma/datasource.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/srcpos.h"

#include <stdlib.h>
#include <string.h>

enum tok_kind { T_EOF, T_IDENT, T_STRING, T_PUNCT };

struct tok {
    enum tok_kind kind;
    size_t start, end;  /* bytes of text */
    int newline_before; /* a line break separates it from the previous token */
    char *str;          /* T_STRING in strict mode: the decoded value */
};

struct lexer {
    const char *file;
    const char *text;
    size_t len, pos;
    struct pm_err *e;
};

static int fail_at(struct lexer *lx, size_t offset, const char *msg)
{
    pm_err_set(lx->e, PM_EXIT_USAGE, "%s", msg);
    pm_err_locate(lx->e, lx->file, lx->text, lx->len, offset);
    return -1;
}

static int is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_ident_char(char c)
{
    return is_ident_start(c) || c == '-';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex4(const char *s, size_t avail, unsigned *out)
{
    if (avail < 4)
        return 0;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(s[i]);
        if (h < 0)
            return 0;
        v = v * 16 + (unsigned)h;
    }
    *out = v;
    return 1;
}

static void add_utf8(struct buf *b, unsigned cp)
{
    if (cp < 0x80) {
        buf_addch(b, (char)cp);
    } else if (cp < 0x800) {
        buf_addch(b, (char)(0xC0 | (cp >> 6)));
        buf_addch(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_addch(b, (char)(0xE0 | (cp >> 12)));
        buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_addch(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        buf_addch(b, (char)(0xF0 | (cp >> 18)));
        buf_addch(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        buf_addch(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_addch(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/*
 * A string literal from its opening quote. Strict (inside the datasource
 * block): Prisma's rules, JSON's escapes (\" \\ \/ \b \f \n \r \t \uXXXX),
 * no control characters; the decoded value goes to t->str. Lenient
 * (elsewhere): it only has to end, at the closing quote or the end of line.
 */
static int lex_string(struct lexer *lx, int strict, struct tok *t)
{
    const char *s = lx->text;
    size_t i = lx->pos + 1, n = lx->len;
    struct buf b = BUF_INIT;
    for (;;) {
        if (i >= n || s[i] == '\n' || (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')) {
            if (!strict)
                break;
            buf_release(&b);
            return fail_at(lx, lx->pos, "unterminated string literal");
        }
        char c = s[i];
        if (c == '"') {
            i++;
            break;
        }
        if (c == '\\') {
            if (i + 1 >= n) {
                i++;
                continue;
            }
            char x = s[i + 1];
            if (!strict) {
                i += x == '\n' ? 1 : 2;
                continue;
            }
            unsigned cp, lo;
            switch (x) {
            case '"':
            case '\\':
            case '/':
                buf_addch(&b, x);
                break;
            case 'b':
                buf_addch(&b, '\b');
                break;
            case 'f':
                buf_addch(&b, '\f');
                break;
            case 'n':
                buf_addch(&b, '\n');
                break;
            case 'r':
                buf_addch(&b, '\r');
                break;
            case 't':
                buf_addch(&b, '\t');
                break;
            case 'u':
                if (!hex4(s + i + 2, n - i - 2, &cp))
                    goto bad_unicode;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    if (i + 7 >= n || s[i + 6] != '\\' || s[i + 7] != 'u' ||
                        !hex4(s + i + 8, n - i - 8, &lo) || lo < 0xDC00 || lo > 0xDFFF)
                        goto bad_unicode;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    goto bad_unicode;
                }
                if (cp == 0) {
                    buf_release(&b);
                    return fail_at(lx, i, "\\u0000 is not allowed in this string");
                }
                add_utf8(&b, cp);
                i += 4;
                break;
            default:
                buf_release(&b);
                fail_at(lx, i, "unknown escape sequence in string literal");
                pm_err_hint(lx->e, "a backslash is written \\\\ (a Windows path too)");
                return -1;
            }
            i += 2;
            continue;
        bad_unicode:
            buf_release(&b);
            return fail_at(lx, i, "invalid unicode escape sequence in string literal");
        }
        if (strict && (unsigned char)c < 0x20) {
            buf_release(&b);
            return fail_at(lx, i, "control character in string literal (write it as an escape)");
        }
        buf_addch(&b, c);
        i++;
    }
    t->kind = T_STRING;
    t->end = i;
    t->str = strict ? buf_detach(&b, NULL) : NULL;
    buf_release(&b);
    lx->pos = i;
    return 0;
}

/* The next token; comments and whitespace skipped. */
static int next_tok(struct lexer *lx, int strict, struct tok *t)
{
    const char *s = lx->text;
    size_t n = lx->len;
    t->newline_before = 0;
    t->str = NULL;
    for (;;) {
        if (lx->pos == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            lx->pos = 3;
            continue;
        }
        if (lx->pos >= n)
            break;
        char c = s[lx->pos];
        if (c == '\n') {
            t->newline_before = 1;
            lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lx->pos++;
        } else if (c == '/' && lx->pos + 1 < n && s[lx->pos + 1] == '/') {
            while (lx->pos < n && s[lx->pos] != '\n')
                lx->pos++;
        } else {
            break;
        }
    }
    t->start = lx->pos;
    if (lx->pos >= n) {
        t->kind = T_EOF;
        t->end = n;
        return 0;
    }
    char c = s[lx->pos];
    if (c == '"')
        return lex_string(lx, strict, t);
    if (is_ident_start(c)) {
        while (lx->pos < n && is_ident_char(s[lx->pos]))
            lx->pos++;
        t->kind = T_IDENT;
    } else {
        lx->pos++;
        t->kind = T_PUNCT;
    }
    t->end = lx->pos;
    return 0;
}

static int tok_is(const struct lexer *lx, const struct tok *t, enum tok_kind k, const char *s)
{
    size_t l = strlen(s);
    return t->kind == k && t->end - t->start == l && memcmp(lx->text + t->start, s, l) == 0;
}

static int line_of(const struct lexer *lx, size_t offset)
{
    return srcpos_of(lx->text, lx->len, offset).line;
}

/*
 * Skip the value of a property pgmig does not read: up to the end of its
 * line outside brackets (arrays, function calls with nested arguments).
 * Leaves *t at the first token after it (on a new line, or the block's '}').
 */
static int skip_value(struct lexer *lx, struct tok *t)
{
    size_t stack_cap = 0, depth = 0;
    char *stack = NULL;
    for (int first = 1;; first = 0) {
        free(t->str);
        t->str = NULL;
        if (next_tok(lx, 1, t) != 0)
            goto fail;
        if (t->kind == T_EOF)
            break;
        if (!first && depth == 0 && (t->newline_before || tok_is(lx, t, T_PUNCT, "}")))
            break;
        if (first && (t->newline_before || tok_is(lx, t, T_PUNCT, "}"))) {
            fail_at(lx, t->start, "missing value after \"=\"");
            goto fail;
        }
        if (t->kind != T_PUNCT)
            continue;
        char c = lx->text[t->start];
        if (c == '(' || c == '[' || c == '{') {
            ALLOC_GROW(stack, depth + 1, stack_cap);
            stack[depth++] = c == '(' ? ')' : c == '[' ? ']' : '}';
        } else if (c == ')' || c == ']' || (c == '}' && depth > 0)) {
            if (depth == 0 || stack[depth - 1] != c) {
                fail_at(lx, t->start, "unbalanced brackets in value");
                goto fail;
            }
            depth--;
        }
    }
    if (depth > 0) {
        fail_at(lx, t->start, "unterminated value: a bracket is not closed");
        goto fail;
    }
    free(stack);
    return 0;
fail:
    free(stack);
    free(t->str);
    t->str = NULL;
    return -1;
}

struct known {
    const char *key;
    struct prisma_value *v;
};

/*
 * A value pgmig reads: "literal" or env("NAME"). Then *t is the token after
 * it, which must start a new line or close the block.
 */
static int read_value(struct lexer *lx, const char *key, struct prisma_value *v, struct tok *t)
{
    struct tok a = {0};
    if (next_tok(lx, 1, &a) != 0)
        return -1;
    v->line = line_of(lx, a.start);
    if (a.newline_before || a.kind == T_EOF || tok_is(lx, &a, T_PUNCT, "}")) {
        free(a.str);
        return fail_at(lx, a.start, "missing value after \"=\"");
    }
    if (a.kind == T_STRING) {
        v->literal = a.str;
    } else if (tok_is(lx, &a, T_IDENT, "env")) {
        struct tok p = {0}, s = {0}, c = {0};
        if (next_tok(lx, 1, &p) != 0)
            return -1;
        if (!tok_is(lx, &p, T_PUNCT, "(")) {
            free(p.str);
            goto bad;
        }
        if (next_tok(lx, 1, &s) != 0)
            return -1;
        if (s.kind != T_STRING) {
            free(s.str);
            fail_at(lx, s.start, "env() takes the name of an environment variable in quotes");
            pm_err_hint(lx->e, "write %s = env(\"DATABASE_URL\")", key);
            return -1;
        }
        if (s.str[0] == '\0') {
            free(s.str);
            return fail_at(lx, s.start, "env() needs the name of an environment variable");
        }
        if (next_tok(lx, 1, &c) != 0) {
            free(s.str);
            return -1;
        }
        if (!tok_is(lx, &c, T_PUNCT, ")")) {
            free(s.str);
            free(c.str);
            return fail_at(lx, c.start, "expected \")\" after the variable name of env()");
        }
        v->env = s.str;
    } else {
        free(a.str);
        goto bad;
    }
    if (next_tok(lx, 1, t) != 0)
        return -1;
    if (t->kind != T_EOF && !t->newline_before && !tok_is(lx, t, T_PUNCT, "}")) {
        free(t->str);
        t->str = NULL;
        char *msg = xasprintf("unexpected text after the value of %s", key);
        fail_at(lx, t->start, msg);
        free(msg);
        return -1;
    }
    return 0;
bad : {
    char *msg = xasprintf("the value of %s must be a string or env(\"NAME\")", key);
    fail_at(lx, a.start, msg);
    free(msg);
    pm_err_hint(lx->e, "write %s = env(\"DATABASE_URL\") or %s = \"postgresql://...\"", key, key);
    return -1;
}
}

/* The block body, from just after its '{'. */
static int parse_block(struct lexer *lx, size_t kw_offset, struct prisma_datasource *ds)
{
    struct known known[] = {
        {"provider", &ds->provider},
        {"url", &ds->url},
        {"directUrl", &ds->direct_url},
        {"shadowDatabaseUrl", &ds->shadow_url},
    };
    struct tok t = {0};
    if (next_tok(lx, 1, &t) != 0)
        return -1;
    for (;;) {
        if (t.kind == T_EOF) {
            fail_at(lx, kw_offset, "unterminated datasource block: missing \"}\"");
            return -1;
        }
        if (tok_is(lx, &t, T_PUNCT, "}"))
            return 0;
        if (t.kind != T_IDENT) {
            free(t.str);
            return fail_at(lx, t.start,
                           "expected a property (key = value) in the datasource block");
        }
        struct tok key = t;
        struct tok eq = {0};
        if (next_tok(lx, 1, &eq) != 0)
            return -1;
        if (!tok_is(lx, &eq, T_PUNCT, "=") || eq.newline_before) {
            free(eq.str);
            char *k = xstrndup(lx->text + key.start, key.end - key.start);
            char *msg = xasprintf("expected \"=\" after %s", k);
            fail_at(lx, eq.start, msg);
            free(msg);
            free(k);
            return -1;
        }
        struct prisma_value *target = NULL;
        const char *name = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(known); i++)
            if (tok_is(lx, &key, T_IDENT, known[i].key)) {
                target = known[i].v;
                name = known[i].key;
            }
        if (target) {
            if (target->line) {
                char *msg = xasprintf("%s is set twice in datasource %s", name, ds->name);
                fail_at(lx, key.start, msg);
                free(msg);
                return -1;
            }
            if (read_value(lx, name, target, &t) != 0)
                return -1;
        } else if (skip_value(lx, &t) != 0) {
            return -1;
        }
    }
}

int prisma_datasource_parse(const char *file, const char *text, size_t len,
                            struct prisma_datasource *ds, struct pm_err *e)
{
    memset(ds, 0, sizeof(*ds));
    struct lexer lx = {file, text, len, 0, e};
    size_t depth = 0, outer_open = 0;
    int header_start = 1; /* the next token at depth 0 may start a declaration */
    struct tok t;
    for (;;) {
        if (next_tok(&lx, 0, &t) != 0)
            return -1;
        if (t.newline_before)
            header_start = 1;
        if (t.kind == T_EOF) {
            if (depth > 0)
                return fail_at(&lx, outer_open, "unterminated block: missing \"}\"");
            return 0;
        }
        if (tok_is(&lx, &t, T_PUNCT, "{")) {
            if (depth++ == 0)
                outer_open = t.start;
            header_start = 0;
            continue;
        }
        if (tok_is(&lx, &t, T_PUNCT, "}")) {
            if (depth > 0)
                depth--;
            header_start = 1;
            continue;
        }
        if (depth > 0 || !header_start || !tok_is(&lx, &t, T_IDENT, "datasource")) {
            header_start = 0;
            continue;
        }
        /* datasource NAME { */
        size_t kw = t.start;
        struct tok name, open;
        if (next_tok(&lx, 1, &name) != 0)
            return -1;
        if (name.kind != T_IDENT) {
            free(name.str);
            return fail_at(&lx, name.start, "expected a name after \"datasource\"");
        }
        if (next_tok(&lx, 1, &open) != 0)
            return -1;
        if (!tok_is(&lx, &open, T_PUNCT, "{")) {
            free(open.str);
            return fail_at(&lx, open.start, "expected \"{\" after the datasource name");
        }
        ds->name = xstrndup(text + name.start, name.end - name.start);
        ds->line = line_of(&lx, kw);
        if (parse_block(&lx, kw, ds) != 0) {
            prisma_datasource_release(ds);
            return -1;
        }
        return 1;
    }
}

int prisma_datasource_read(const char *path, struct prisma_datasource *ds, struct pm_err *e)
{
    struct buf b = BUF_INIT;
    memset(ds, 0, sizeof(*ds));
    if (fs_read_file(path, &b, e) != 0) {
        buf_release(&b);
        return -1;
    }
    int rc = prisma_datasource_parse(path, b.data, b.len, ds, e);
    buf_release(&b);
    return rc;
}

static void value_release(struct prisma_value *v)
{
    free(v->literal);
    free(v->env);
    memset(v, 0, sizeof(*v));
}

void prisma_datasource_release(struct prisma_datasource *ds)
{
    free(ds->name);
    value_release(&ds->provider);
    value_release(&ds->url);
    value_release(&ds->direct_url);
    value_release(&ds->shadow_url);
    memset(ds, 0, sizeof(*ds));
}

char *prisma_value_resolve(const struct prisma_value *v, const char **missing_env)
{
    if (missing_env)
        *missing_env = NULL;
    if (v->literal)
        return xstrdup(v->literal);
    if (!v->env)
        return NULL;
    const char *s = getenv(v->env);
    if (s && s[0])
        return xstrdup(s);
    if (missing_env)
        *missing_env = v->env;
    return NULL;
}
