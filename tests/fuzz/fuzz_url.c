/*
 * fuzz_url.c - libFuzzer target for pg/url.c. Besides crashes and leaks it
 * checks that no password reaches what pgmig prints: the display form and
 * error messages (abort() on violation), and that pg_redact is idempotent.
 */
#include "pg/url.h"
#include "util/mem.h"

#include <libpq-fe.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FORMS 64

struct forms {
    char *v[MAX_FORMS];
    size_t n;
};

static const char *input; /* the whole input, for counting occurrences */

static size_t count(const char *hay, const char *needle)
{
    size_t c = 0;
    if (!*needle)
        return 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        c++;
    return c;
}

/*
 * A password text to look for in the output. Only texts the input holds
 * exactly once (at the password's place) count: a text also written
 * elsewhere, e.g. as the user name, may legitimately be shown from there.
 */
static void add_form(struct forms *f, const char *s, size_t n, size_t max_in_input)
{
    if (n == 0 || f->n == MAX_FORMS || memchr(s, '*', n) || memchr(s, '\0', n))
        return;
    char *t = xstrndup(s, n);
    if (count(input, t) > max_in_input) {
        free(t);
        return;
    }
    f->v[f->n++] = t;
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

static void add_decoded(struct forms *f, const char *s, size_t n)
{
    char *raw = xstrndup(s, n);
    int once = count(input, raw) == 1;
    free(raw);
    if (!once)
        return;
    add_form(f, s, n, 1);
    char *d = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
            d[k++] = (char)(hex(s[i + 1]) * 16 + hex(s[i + 2]));
            i += 2;
        } else {
            d[k++] = s[i];
        }
    }
    if (k != n || memcmp(d, s, n) != 0)
        add_form(f, d, k, 0);
    free(d);
}

static int ci_prefix(const char *s, const char *p)
{
    for (; *p; p++, s++)
        if ((*s | 0x20) != *p)
            return 0;
    return 1;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* An independent, deliberately simple idea of where the passwords are. */
static void find_passwords(const char *s, struct forms *f)
{
    size_t len = strlen(s);
    const char *r = strstr(s, "://");
    if (r) {
        r += 3;
        /* libpq's rule: up to the first '@' before any '/'. */
        const char *p = r;
        while (*p && *p != '@' && *p != '/' && *p != '\n')
            p++;
        if (*p == '@') {
            const char *c = memchr(r, ':', (size_t)(p - r));
            if (c)
                add_decoded(f, c + 1, (size_t)(p - c - 1));
        }
    }
    const char *t = s;
    while (is_ws(*t))
        t++;
    if (ci_prefix(t, "postgres")) {
        /* password= / sslpassword= query parameters (URL-encoded values). */
        const char *q = strchr(t, '?');
        while (q) {
            const char *p = q + 1, *amp = strchr(p, '&');
            size_t n = amp ? (size_t)(amp - p) : strlen(p);
            if (n > 9 && strncmp(p, "password=", 9) == 0)
                add_decoded(f, p + 9, n - 9);
            if (n > 12 && strncmp(p, "sslpassword=", 12) == 0)
                add_decoded(f, p + 12, n - 12);
            q = amp;
        }
        return;
    }
    /* key=value pairs, tokenised the way libpq's conninfo_parse does. */
    size_t i = 0;
    while (i < len) {
        while (i < len && is_ws(s[i]))
            i++;
        size_t k = i;
        while (i < len && !is_ws(s[i]) && s[i] != '=')
            i++;
        size_t klen = i - k;
        while (i < len && is_ws(s[i]))
            i++;
        if (i >= len || s[i] != '=')
            return;
        i++;
        while (i < len && is_ws(s[i]))
            i++;
        char buf[4096];
        size_t n = 0;
        if (i < len && s[i] == '\'') {
            i++;
            while (i < len && s[i] != '\'') {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                if (n < sizeof(buf))
                    buf[n++] = s[i];
                i++;
            }
            i++;
        } else {
            while (i < len && !is_ws(s[i])) {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                if (n < sizeof(buf))
                    buf[n++] = s[i];
                i++;
            }
        }
        if ((klen == 8 && strncmp(s + k, "password", 8) == 0) ||
            (klen == 11 && strncmp(s + k, "sslpassword", 11) == 0))
            add_form(f, buf, n, 1);
    }
}

/* Fixed wording of pgmig's and libpq's messages: a "password" that is a
 * piece of it is found there by coincidence, not leaked. */
static const char boilerplate[] =
    "invalid connection URL: invalid connection string: unsupported connection URL scheme "
    "\"\": pgmig connects to PostgreSQL with postgresql:// or postgres:// URLs\n"
    "prisma:// URLs go through Prisma Accelerate, which cannot run migrations; set directUrl "
    "to the database's own postgresql:// URL\nwrite the URL as postgresql://USER:PASSWORD@"
    "HOST:PORT/DATABASE postgres://USER:PASSWORD@HOST:PORT/DATABASE\n"
    "pgmig hands the connection string to libpq, which does not know \"\" (Prisma ignores "
    "parameters it does not know): remove it\nschema is a parameter of Prisma's "
    "postgresql:// URLs; write the connection as a URL with ?schema=NAME\n"
    "the schema name contains %00 pgbouncer must be true or false\n"
    "invalid URI query parameter: \"\" invalid connection option \"\" missing \"=\" after "
    "\"\" in connection info string unterminated quoted string in connection info string "
    "invalid percent-encoded token: \"\" forbidden value %00 in percent-encoded value: "
    "\"\" end of string reached when looking for matching \"]\" in IPv6 host address in "
    "URI: \"\" IPv6 host address may not be empty in URI: \"\" unexpected character \"\" "
    "at position in URI (expected \":\" or \"/\"): \"\" extra key/value separator \"=\" "
    "in URI query parameter: \"\" missing key/value separator \"=\" in URI query "
    "parameter: \"\" ****";

static void must_not_contain(const char *text, const struct forms *f, size_t min_len)
{
    if (!text)
        return;
    for (size_t i = 0; i < f->n; i++)
        if (strlen(f->v[i]) >= min_len && strstr(text, f->v[i]) && !strstr(boilerplate, f->v[i]))
            abort();
}

static const char *opt(PQconninfoOption *o, const char *kw)
{
    for (; o->keyword; o++)
        if (strcmp(o->keyword, kw) == 0)
            return o->val;
    return NULL;
}

static void check_success(const struct pg_url *u)
{
    char *err = NULL;
    PQconninfoOption *c = PQconninfoParse(u->conninfo, &err);
    if (!c)
        abort(); /* pg_url_parse validated it */
    /*
     * The display may hide more than libpq calls the password when the URL
     * has an '@' libpq does not read as the end of the user info (one left
     * unencoded in a password): then the display's host, port or database
     * differ on purpose, and it may not even parse.
     */
    int aggressive = 0;
    if (strncmp(u->conninfo, "postgres", 8) == 0) {
        const char *r = strstr(u->conninfo, "://") + 3;
        const char *slash = strchr(r, '/');
        size_t ats = 0;
        const char *first_at = NULL;
        for (const char *p = r; *p; p++)
            if (*p == '@') {
                ats++;
                if (!first_at)
                    first_at = p;
            }
        aggressive = ats > 1 || (first_at && slash && slash < first_at);
    }
    PQconninfoOption *d = PQconninfoParse(u->display, &err);
    if (!d) {
        if (!aggressive)
            abort(); /* the display form must still be a valid connection string */
        PQfreemem(err);
        PQconninfoFree(c);
        return;
    }
    static const char *const secret_kws[] = {"password", "sslpassword"};
    for (size_t k = 0; k < sizeof(secret_kws) / sizeof(secret_kws[0]); k++) {
        const char *cv = opt(c, secret_kws[k]), *dv = opt(d, secret_kws[k]);
        if (dv && dv[0] && strcmp(dv, "****") != 0)
            abort();
        if (cv && cv[0] && (!dv || strcmp(dv, "****") != 0))
            abort();
        if (!cv && dv)
            aggressive = 1;
    }
    if (!aggressive) {
        for (PQconninfoOption *o = c; o->keyword; o++) {
            if (strcmp(o->keyword, "password") == 0 || strcmp(o->keyword, "sslpassword") == 0)
                continue;
            const char *dv = opt(d, o->keyword);
            if (!o->val != !dv)
                abort();
            if (o->val && strcmp(o->val, dv) != 0 && !strstr(dv, "****"))
                abort();
        }
    }

    /* The user-info password (libpq's reading) is nowhere in the display. */
    const char *r = strstr(u->conninfo, "://");
    if (r && strncmp(u->conninfo, "postgres", 8) == 0) {
        r += 3;
        const char *p = r;
        while (*p && *p != '@' && *p != '/')
            p++;
        const char *colon = *p == '@' ? memchr(r, ':', (size_t)(p - r)) : NULL;
        if (colon && p > colon + 1) {
            char *pw = xstrndup(colon + 1, (size_t)(p - colon - 1));
            char *before = xstrndup(u->conninfo, (size_t)(colon + 1 - u->conninfo));
            if (!strchr(pw, '*') && strstr(u->display, pw) && !strstr(before, pw) && !strstr(p, pw))
                abort();
            free(pw);
            free(before);
        }
    }
    PQconninfoFree(c);
    PQconninfoFree(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = xstrndup((const char *)data, size);
    struct forms f = {{0}, 0};
    input = s;
    find_passwords(s, &f);

    struct pg_url u;
    struct pm_err e = PM_ERR_INIT;
    if (pg_url_parse(s, &u, &e) == 0) {
        check_success(&u);
        pg_url_release(&u);
    } else {
        if (!e.primary || e.exit_code == 0)
            abort();
        must_not_contain(e.primary, &f, 4);
        must_not_contain(e.detail, &f, 4);
        must_not_contain(e.hint, &f, 4);
    }
    pm_err_release(&e);

    char *r1 = pg_redact(s);
    char *r2 = pg_redact(r1);
    if (strcmp(r1, r2) != 0)
        abort();
    free(r1);
    free(r2);

    for (size_t i = 0; i < f.n; i++)
        free(f.v[i]);
    free(s);
    return 0;
}
