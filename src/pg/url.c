/*
 * url.c - Prisma connection strings cleaned for libpq. libpq parses the URL
 * itself; this file only checks the scheme, drops the query parameters that
 * are Prisma's alone, and redacts passwords in what may be printed.
 */
#include "pg/url.h"
#include "util/buf.h"
#include "util/mem.h"

#include <libpq-fe.h>

#include <stdlib.h>
#include <string.h>

/* Query parameters Prisma understands and libpq rejects (quaint's PostgresUrl). */
static const char *const prisma_only_params[] = {
    "schema",
    "connection_limit",
    "pool_timeout",
    "pgbouncer",
    "statement_cache_size",
    "socket_timeout",
    "sslaccept",
    "sslidentity",
    "max_connection_lifetime",
    "max_idle_connection_lifetime",
};

static const char redacted[] = "****";

static const char *userinfo_end(const char *s, size_t n_line, size_t n_word);
static int url_token_end(char c);

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int starts_with_ci(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (n < k)
        return 0;
    for (size_t i = 0; i < k; i++)
        if (lower(s[i]) != prefix[i])
            return 0;
    return 1;
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

/*
 * Percent-decode s[0..n) leniently: a '%' not followed by two hex digits is
 * kept as written. With `plus`, '+' is a space (application/x-www-form-
 * urlencoded, which is how Prisma reads query parameters). Sets *has_nul when
 * a %00 was decoded. Caller frees.
 */
static char *pct_decode(const char *s, size_t n, int plus, int *has_nul)
{
    struct buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            char c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            if (c == '\0' && has_nul)
                *has_nul = 1;
            buf_addch(&b, c);
            i += 2;
        } else if (plus && s[i] == '+') {
            buf_addch(&b, ' ');
        } else {
            buf_addch(&b, s[i]);
        }
    }
    return buf_detach(&b, NULL);
}

/* Password texts found in the input, raw and decoded, for scrubbing messages. */
struct secrets {
    char **v;
    size_t n, cap;
};

static void secrets_add(struct secrets *s, const char *p, size_t n)
{
    if (n == 0)
        return;
    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) == n && memcmp(s->v[i], p, n) == 0)
            return;
    ALLOC_GROW(s->v, s->n + 1, s->cap);
    s->v[s->n++] = xstrndup(p, n);
}

static void secrets_add_decoded(struct secrets *s, const char *p, size_t n, int plus)
{
    secrets_add(s, p, n);
    char *d = pct_decode(p, n, plus, NULL);
    secrets_add(s, d, strlen(d));
    free(d);
}

static void secrets_release(struct secrets *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* The user-info passwords of "scheme://" URLs anywhere in text, as pg_redact finds them. */
static void url_secrets(const char *text, struct secrets *sec)
{
    size_t n = strlen(text);
    for (const char *p = strstr(text, "://"); p; p = strstr(p + 3, "://")) {
        size_t i = (size_t)(p - text) + 3, te = i, le = i;
        while (te < n && !url_token_end(text[te]))
            te++;
        while (le < n && text[le] != '\n')
            le++;
        const char *at = userinfo_end(text + i, le - i, te - i);
        const char *colon = at ? memchr(text + i, ':', (size_t)(at - text) - i) : NULL;
        if (colon && colon + 1 < at)
            secrets_add_decoded(sec, colon + 1, (size_t)(at - colon - 1), 0);
    }
}

static int is_password_key(const char *name)
{
    return strcmp(name, "password") == 0 || strcmp(name, "sslpassword") == 0;
}

/* Replace every occurrence of `from` in *s by `to`. */
static void replace_all(char **s, const char *from, const char *to)
{
    size_t fl = strlen(from);
    if (fl == 0 || !strstr(*s, from))
        return;
    struct buf b = BUF_INIT;
    const char *p = *s, *hit;
    while ((hit = strstr(p, from)) != NULL) {
        buf_add(&b, p, (size_t)(hit - p));
        buf_adds(&b, to);
        p = hit + fl;
    }
    buf_adds(&b, p);
    free(*s);
    *s = buf_detach(&b, NULL);
}

/*
 * Whether a quoted part of a libpq message must be hidden: it contains a
 * password, or (key=value strings, where libpq may report a stray word of an
 * unquoted password containing a space) it is part of one.
 */
static int subject_is_secret(const char *subj, size_t n, const struct secrets *s, int kv)
{
    char *t = xstrndup(subj, n);
    int secret = 0;
    for (size_t i = 0; i < s->n && !secret; i++) {
        if (strstr(t, s->v[i]) || (kv && n > 0 && strstr(s->v[i], t)))
            secret = 1;
    }
    free(t);
    return secret;
}

/*
 * libpq's complaint, made safe to print: whole connection strings it quotes
 * are replaced by the redacted form, quoted parts holding a password by
 * "****", and finally every password text of 4 or more bytes wherever it is
 * (shorter ones would match ordinary words of the message; they can only
 * reach it through a quoted part, which is already handled).
 */
static char *scrub_message(const char *msg, const char *const *whole, size_t n_whole,
                           const char *display, const struct secrets *s, int kv)
{
    char *m = xstrdup(msg);
    size_t len = strlen(m);
    while (len > 0 && (m[len - 1] == '\n' || m[len - 1] == '\r' || m[len - 1] == ' '))
        m[--len] = '\0';
    for (size_t i = 0; i < n_whole; i++)
        if (whole[i] && whole[i][0] && strcmp(whole[i], display) != 0)
            replace_all(&m, whole[i], display);

    struct buf b = BUF_INIT;
    const char *p = m;
    for (;;) {
        const char *open = strchr(p, '"');
        const char *close = open ? strchr(open + 1, '"') : NULL;
        if (!close) {
            buf_adds(&b, p);
            break;
        }
        size_t n = (size_t)(close - open - 1);
        buf_add(&b, p, (size_t)(open - p) + 1);
        int is_display = n == strlen(display) && memcmp(open + 1, display, n) == 0;
        if (!is_display && subject_is_secret(open + 1, n, s, kv))
            buf_adds(&b, redacted);
        else
            buf_add(&b, open + 1, n);
        buf_addch(&b, '"');
        p = close + 1;
    }
    free(m);
    m = buf_detach(&b, NULL);

    for (size_t i = 0; i < s->n; i++)
        if (strlen(s->v[i]) >= 4 && strspn(s->v[i], "*") != strlen(s->v[i]))
            replace_all(&m, s->v[i], redacted);
    char *r = pg_redact(m);
    free(m);
    return r;
}

/* The name of the first unknown parameter in libpq's message, if that is what it says. */
static char *unknown_param(const char *msg, const char *prefix)
{
    const char *p = strstr(msg, prefix);
    if (!p)
        return NULL;
    p += strlen(prefix);
    const char *q = strchr(p, '"');
    return q ? xstrndup(p, (size_t)(q - p)) : NULL;
}

static void add_stripped(struct pg_url *u, const char *name)
{
    for (size_t i = 0; i < u->n_stripped; i++)
        if (strcmp(u->stripped[i], name) == 0)
            return;
    u->stripped = xrealloc(u->stripped, (u->n_stripped + 1) * sizeof(*u->stripped));
    u->stripped[u->n_stripped++] = xstrdup(name);
}

/*
 * Positions inside a postgres(ql):// URL, found the way libpq's
 * conninfo_uri_parse_options finds them (this is not a URL parser: it only
 * locates the password and the start of the query string).
 *   user info: up to the first '@' that comes before any '/';
 *   password:  after the first ':' of the user info;
 *   query:     the first '?' after the user info, except inside a bracketed
 *              IPv6 host at the start of a host item.
 */
struct uri_parts {
    size_t rest;             /* just after "://" */
    int has_pw;              /* a ':' in the user info */
    size_t pw_start, pw_end; /* the password, raw */
    size_t query;            /* index of '?', or len when none */
};

static void uri_locate(const char *s, size_t len, size_t rest, struct uri_parts *u)
{
    u->rest = rest;
    u->has_pw = 0;
    u->pw_start = u->pw_end = 0;
    size_t i = rest;
    while (i < len && s[i] != '@' && s[i] != '/')
        i++;
    size_t netloc = rest;
    if (i < len && s[i] == '@') {
        const char *colon = memchr(s + rest, ':', i - rest);
        if (colon) {
            u->has_pw = 1;
            u->pw_start = (size_t)(colon - s) + 1;
            u->pw_end = i;
        }
        netloc = i + 1;
    }
    u->query = len;
    int item_start = 1;
    for (size_t p = netloc; p < len; p++) {
        char c = s[p];
        if (item_start && c == '[') {
            const char *close = memchr(s + p, ']', len - p);
            if (!close)
                return; /* libpq reports the missing ']' */
            p = (size_t)(close - s);
            item_start = 0;
            continue;
        }
        item_start = 0;
        if (c == '?') {
            u->query = p;
            return;
        }
        if (c == '/') {
            const char *q = memchr(s + p, '?', len - p);
            if (q)
                u->query = (size_t)(q - s);
            return;
        }
        if (c == ',')
            item_start = 1;
    }
}

static int check_libpq(const char *conninfo, const char *const *whole, size_t n_whole,
                       const char *display, const struct secrets *sec, int kv,
                       PQconninfoOption **opts_out, struct pm_err *e)
{
    char *errmsg = NULL;
    PQconninfoOption *opts = PQconninfoParse(conninfo, &errmsg);
    if (opts) {
        if (opts_out)
            *opts_out = opts;
        else
            PQconninfoFree(opts);
        return 0;
    }
    if (!errmsg)
        return pm_err_set(e, PM_EXIT_ENV, "out of memory while parsing the connection string");
    char *msg = scrub_message(errmsg, whole, n_whole, display, sec, kv);
    char *param = unknown_param(errmsg, kv ? "invalid connection option \""
                                           : "invalid URI query parameter: \"");
    PQfreemem(errmsg);
    pm_err_set(e, PM_EXIT_USAGE, "invalid connection %s: %s", kv ? "string" : "URL", msg);
    free(msg);
    if (param && kv && strcmp(param, "schema") == 0) {
        pm_err_hint(e, "schema is a parameter of Prisma's postgresql:// URLs; "
                       "write the connection as a URL with ?schema=NAME");
    } else if (param && !subject_is_secret(param, strlen(param), sec, kv)) {
        char *raw = xasprintf("pgmig hands the connection string to libpq, which does not "
                              "know \"%s\" (Prisma ignores parameters it does not know): "
                              "remove it",
                              param);
        char *hint = scrub_message(raw, whole, n_whole, display, sec, kv);
        pm_err_hint(e, "%s", hint);
        free(hint);
        free(raw);
    }
    free(param);
    return -1;
}

static int parse_uri(const char *s, size_t len, size_t scheme_len, struct pg_url *out,
                     struct pm_err *e)
{
    struct uri_parts u;
    struct buf conn = BUF_INIT, disp = BUF_INIT, kept = BUF_INIT, kept_disp = BUF_INIT;
    struct secrets sec = {0};
    int rc = -1;

    uri_locate(s, len, scheme_len, &u);
    url_secrets(s, &sec);
    /* libpq only accepts the lowercase designators; Prisma reads any case. */
    for (size_t i = 0; i < scheme_len; i++) {
        buf_addch(&conn, lower(s[i]));
        buf_addch(&disp, lower(s[i]));
    }
    buf_add(&conn, s + scheme_len, u.query - scheme_len);
    if (u.has_pw && u.pw_end > u.pw_start)
        secrets_add_decoded(&sec, s + u.pw_start, u.pw_end - u.pw_start, 0);
    /*
     * The display hides libpq's password, or more when a later '@' suggests
     * a '/', '@' or '?' left unencoded in the password ("u:p@ss@h", read by
     * libpq as password "p" and host "ss@h"; "u:pa/ss@h", host "u" port "pa").
     */
    size_t base = u.query - scheme_len;
    const char *at = userinfo_end(s + scheme_len, base, base);
    const char *colon = at ? memchr(s + scheme_len, ':', (size_t)(at - s) - scheme_len) : NULL;
    if (colon && colon + 1 < at) {
        buf_add(&disp, s + scheme_len, (size_t)(colon + 1 - s) - scheme_len);
        buf_adds(&disp, redacted);
        buf_add(&disp, at, (size_t)(s + u.query - at));
        secrets_add_decoded(&sec, colon + 1, (size_t)(at - colon - 1), 0);
    } else {
        buf_add(&disp, s + scheme_len, base);
    }

    /* Walk the query string: keep libpq's parameters as written, drop Prisma's. */
    size_t i = u.query < len ? u.query + 1 : len;
    while (i <= len && u.query < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - s) : len;
        const char *seg = s + i;
        size_t seg_len = end - i;
        i = end + 1;
        if (seg_len == 0) {
            if (!amp)
                break;
            continue; /* "&&", a trailing '&', a bare '?': nothing to pass on */
        }
        const char *eq = memchr(seg, '=', seg_len);
        size_t name_len = eq ? (size_t)(eq - seg) : seg_len;
        const char *val = eq ? eq + 1 : seg + seg_len;
        size_t val_len = eq ? seg_len - name_len - 1 : 0;
        char *name = pct_decode(seg, name_len, 1, NULL);
        int prisma_only = 0;
        for (size_t k = 0; k < ARRAY_SIZE(prisma_only_params); k++)
            if (strcmp(name, prisma_only_params[k]) == 0)
                prisma_only = 1;
        if (prisma_only) {
            add_stripped(out, name);
            if (strcmp(name, "schema") == 0) {
                int has_nul = 0;
                free(out->schema);
                out->schema = pct_decode(val, val_len, 1, &has_nul);
                if (has_nul) {
                    free(name);
                    pm_err_set(e, PM_EXIT_USAGE,
                               "invalid connection URL: the schema name contains %%00");
                    goto out;
                }
            } else if (strcmp(name, "pgbouncer") == 0) {
                char *v = pct_decode(val, val_len, 1, NULL);
                if (strcmp(v, "true") == 0) {
                    out->pgbouncer = 1;
                } else if (strcmp(v, "false") == 0) {
                    out->pgbouncer = 0;
                } else {
                    pm_err_set(e, PM_EXIT_USAGE,
                               "invalid connection URL: pgbouncer must be true or false");
                    free(v);
                    free(name);
                    goto out;
                }
                free(v);
            }
        } else {
            if (kept.len) {
                buf_addch(&kept, '&');
                buf_addch(&kept_disp, '&');
            }
            buf_add(&kept, seg, seg_len);
            if (is_password_key(name) && val_len > 0) {
                buf_add(&kept_disp, seg, name_len + 1);
                buf_adds(&kept_disp, redacted);
                secrets_add_decoded(&sec, val, val_len, 0);
            } else {
                buf_add(&kept_disp, seg, seg_len);
            }
        }
        free(name);
        if (!amp)
            break;
    }
    if (kept.len) {
        buf_addch(&conn, '?');
        buf_add(&conn, kept.data, kept.len);
        buf_addch(&disp, '?');
        buf_add(&disp, kept_disp.data, kept_disp.len);
    }
    out->display = buf_detach(&disp, NULL);
    out->conninfo = buf_detach(&conn, NULL);
    const char *whole[] = {s, out->conninfo};
    rc = check_libpq(out->conninfo, whole, ARRAY_SIZE(whole), out->display, &sec, 0, NULL, e);
out:
    buf_release(&conn);
    buf_release(&disp);
    buf_release(&kept);
    buf_release(&kept_disp);
    secrets_release(&sec);
    return rc;
}

/* A key=value value as libpq's conninfo_parse writes it back: quoted when needed. */
static void add_kv_value(struct buf *b, const char *v)
{
    int plain = v[0] != '\0';
    for (const char *p = v; *p && plain; p++)
        if (is_space(*p) || *p == '\'' || *p == '\\')
            plain = 0;
    if (plain) {
        buf_adds(b, v);
        return;
    }
    buf_addch(b, '\'');
    for (const char *p = v; *p; p++) {
        if (*p == '\'' || *p == '\\')
            buf_addch(b, '\\');
        buf_addch(b, *p);
    }
    buf_addch(b, '\'');
}

/*
 * The password-like values of a key=value string, found by a loose scan (the
 * string may be invalid): the value after password= or sslpassword=, and,
 * unquoted, everything up to the next "word=" since a password with a space
 * written without quotes ends up reported word by word.
 */
static void kv_secrets(const char *s, size_t len, struct secrets *sec)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && is_space(s[i]))
            i++;
        size_t k = i;
        while (i < len && !is_space(s[i]) && s[i] != '=')
            i++;
        size_t klen = i - k;
        while (i < len && is_space(s[i]))
            i++;
        if (i >= len || s[i] != '=')
            continue;
        i++;
        while (i < len && is_space(s[i]))
            i++;
        int pw = (klen == 8 && memcmp(s + k, "password", 8) == 0) ||
                 (klen == 11 && memcmp(s + k, "sslpassword", 11) == 0);
        size_t v = i;
        struct buf val = BUF_INIT;
        if (i < len && s[i] == '\'') {
            i++;
            while (i < len && s[i] != '\'') {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                buf_addch(&val, s[i]);
                i++;
            }
            if (i < len)
                i++;
        } else {
            while (i < len && !is_space(s[i])) {
                if (s[i] == '\\' && i + 1 < len)
                    i++;
                buf_addch(&val, s[i]);
                i++;
            }
        }
        if (pw) {
            secrets_add(sec, val.data, val.len);
            secrets_add(sec, s + v, i - v);
            /* Extend over following words that are not "key=". */
            size_t j = i;
            for (;;) {
                size_t w = j;
                while (w < len && is_space(s[w]))
                    w++;
                size_t we = w;
                while (we < len && !is_space(s[we]) && s[we] != '=')
                    we++;
                size_t after = we;
                while (after < len && is_space(s[after]))
                    after++;
                if (w >= len || we == w || (after < len && s[after] == '='))
                    break;
                j = we;
            }
            if (j > i)
                secrets_add(sec, s + v, j - v);
            for (size_t w = i; w < j;) {
                while (w < j && is_space(s[w]))
                    w++;
                size_t we = w;
                while (we < j && !is_space(s[we]))
                    we++;
                secrets_add(sec, s + w, we - w);
                w = we;
            }
        }
        buf_release(&val);
    }
}

static int parse_kv(const char *s, size_t len, struct pg_url *out, struct pm_err *e)
{
    struct secrets sec = {0};
    PQconninfoOption *opts = NULL;
    out->conninfo = xstrndup(s, len);
    kv_secrets(s, len, &sec);
    url_secrets(out->conninfo, &sec);
    char *shown = pg_redact(out->conninfo);
    const char *whole[] = {out->conninfo};
    int rc = check_libpq(out->conninfo, whole, ARRAY_SIZE(whole), shown, &sec, 1, &opts, e);
    free(shown);
    if (rc == 0) {
        struct buf d = BUF_INIT;
        for (PQconninfoOption *o = opts; o && o->keyword; o++) {
            if (!o->val)
                continue;
            if (d.len)
                buf_addch(&d, ' ');
            buf_adds(&d, o->keyword);
            buf_addch(&d, '=');
            if (is_password_key(o->keyword) && o->val[0]) {
                buf_adds(&d, redacted);
            } else {
                /* e.g. a dbname holding a whole connection string */
                char *v = pg_redact(o->val);
                add_kv_value(&d, v);
                free(v);
            }
        }
        PQconninfoFree(opts);
        out->display = buf_detach(&d, NULL);
    }
    secrets_release(&sec);
    return rc;
}

int pg_url_parse(const char *url, struct pg_url *out, struct pm_err *e)
{
    memset(out, 0, sizeof(*out));
    size_t start = 0, len = strlen(url);
    while (start < len && is_space(url[start]))
        start++;
    while (len > start && is_space(url[len - 1]))
        len--;
    const char *s = url + start;
    len -= start;

    size_t scheme_len = 0;
    if (starts_with_ci(s, len, "postgresql://"))
        scheme_len = strlen("postgresql://");
    else if (starts_with_ci(s, len, "postgres://"))
        scheme_len = strlen("postgres://");

    int rc;
    if (scheme_len) {
        char *copy = xstrndup(s, len);
        rc = parse_uri(copy, len, scheme_len, out, e);
        free(copy);
    } else {
        /* Anything that starts like "scheme:" is a URL of another kind. */
        size_t i = 0;
        if (len > 0 && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) {
            i = 1;
            while (i < len &&
                   ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                    (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' || s[i] == '.'))
                i++;
        }
        if (i > 0 && i < len && s[i] == ':') {
            char *scheme = xstrndup(s, i);
            for (char *p = scheme; *p; p++)
                *p = lower(*p);
            pm_err_set(e, PM_EXIT_USAGE,
                       "unsupported connection URL scheme \"%s:\": pgmig connects to "
                       "PostgreSQL with postgresql:// or postgres:// URLs",
                       scheme);
            if (strcmp(scheme, "prisma") == 0 || strcmp(scheme, "prisma+postgres") == 0)
                pm_err_hint(e, "prisma:// URLs go through Prisma Accelerate, which cannot run "
                               "migrations; set directUrl to the database's own "
                               "postgresql:// URL");
            else if (strcmp(scheme, "postgresql") == 0 || strcmp(scheme, "postgres") == 0)
                pm_err_hint(e, "write the URL as %s://USER:PASSWORD@HOST:PORT/DATABASE", scheme);
            free(scheme);
            rc = -1;
        } else {
            char *copy = xstrndup(s, len);
            rc = parse_kv(copy, len, out, e);
            free(copy);
        }
    }
    if (rc != 0)
        pg_url_release(out);
    return rc;
}

void pg_url_release(struct pg_url *u)
{
    free(u->conninfo);
    free(u->display);
    free(u->schema);
    for (size_t i = 0; i < u->n_stripped; i++)
        free(u->stripped[i]);
    free(u->stripped);
    memset(u, 0, sizeof(*u));
}

/* ---- redaction of free text ---- */

static int url_token_end(char c)
{
    return c == '\0' || is_space(c) || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>';
}

/*
 * At s (just after "://"), the end of the user info to hide: libpq's '@' (the
 * first one before any '/', looking as far as the end of the line since libpq
 * takes spaces and quotes in a password as they are), or, when a later '@'
 * comes before the query string within the same space-delimited word, that
 * one (a '/', '@' or '?' left unencoded in a password).
 */
static const char *userinfo_end(const char *s, size_t n_line, size_t n_word)
{
    const char *at = NULL;
    for (size_t i = 0; i < n_line && s[i] != '/'; i++)
        if (s[i] == '@') {
            at = s + i;
            break;
        }
    for (size_t i = at ? (size_t)(at - s) + 1 : 0; i < n_word && s[i] != '?'; i++)
        if (s[i] == '@')
            at = s + i;
    return at;
}

static char *redact_once(const char *text)
{
    struct buf b = BUF_INIT;
    size_t n = strlen(text), i = 0;
    while (i < n) {
        /* Any scheme, not only postgres(ql)://: a mistyped or foreign URL
         * echoed in a message must not show its password either. */
        if (strncmp(text + i, "://", 3) == 0) {
            buf_adds(&b, "://");
            i += 3;
            size_t te = i, le = i;
            while (te < n && !url_token_end(text[te]))
                te++;
            while (le < n && text[le] != '\n')
                le++;
            const char *at = userinfo_end(text + i, le - i, te - i);
            if (at) {
                const char *colon = memchr(text + i, ':', (size_t)(at - (text + i)));
                if (colon && colon + 1 < at &&
                    !((size_t)(at - colon - 1) == strlen(redacted) &&
                      memcmp(colon + 1, redacted, strlen(redacted)) == 0)) {
                    buf_add(&b, text + i, (size_t)(colon + 1 - (text + i)));
                    buf_adds(&b, redacted);
                    i = (size_t)(at - text);
                }
            }
            continue;
        }
        if (starts_with_ci(text + i, n - i, "password")) {
            size_t j = i + 8;
            while (j < n && (text[j] == ' ' || text[j] == '\t'))
                j++;
            if (j < n && text[j] == '=') {
                j++;
                while (j < n && (text[j] == ' ' || text[j] == '\t'))
                    j++;
                size_t v = j;
                if (j < n && (text[j] == '\'' || text[j] == '"')) {
                    char q = text[j++];
                    while (j < n && text[j] != q && text[j] != '\n') {
                        if (text[j] == '\\' && j + 1 < n)
                            j++;
                        j++;
                    }
                    if (j < n && text[j] == q)
                        j++;
                    /* Whatever sticks to the closing quote goes too. */
                    while (j < n && !is_space(text[j]) && text[j] != '&')
                        j++;
                } else {
                    while (j < n && !is_space(text[j]) && text[j] != '&') {
                        if (text[j] == '\\' && j + 1 < n)
                            j++;
                        j++;
                    }
                }
                if (j > n)
                    j = n;
                size_t rl = strlen(redacted);
                if (j > v && !(j - v == rl && memcmp(text + v, redacted, rl) == 0)) {
                    buf_add(&b, text + i, v - i);
                    buf_adds(&b, redacted);
                    i = j;
                    continue;
                }
            }
        }
        buf_addch(&b, text[i]);
        i++;
    }
    return buf_detach(&b, NULL);
}

char *pg_redact(const char *text)
{
    /* One pass suffices for everything pgmig prints; repeat for odd input
     * (a value that only looks like a password after the first pass). */
    char *r = redact_once(text);
    for (int i = 0; i < 8; i++) {
        char *again = redact_once(r);
        if (strcmp(again, r) == 0) {
            free(again);
            break;
        }
        free(r);
        r = again;
    }
    return r;
}
