/*
 * dotenv.c - `.env` files read as Prisma reads them: dotenv 16's line grammar
 * (a regular expression there, matched here by hand with the same
 * backtracking choices) and Prisma's own copy of dotenv-expand for ${VAR}.
 */
#include "util/dotenv.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/*
 * dotenv 16.4.7 matches, from each line start, the regular expression
 *
 *   ^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)
 *    (\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?
 *    \s*(?:#.*)?$                                      (flags m, g)
 *
 * over the text with "\r\n" and "\r" turned into "\n", then trims the value,
 * strips one pair of matching quotes and, when it began with '"', turns the
 * two-character sequences \n and \r into newline and carriage return. \s
 * spans newlines, so a quoted value may run over several lines, and a line
 * that does not match is skipped. The functions below take the same choices
 * the regular expression engine would (see the comments on each).
 */

/* Byte length of a JavaScript \s character at t[i], or 0 (UTF-8 text). */
static size_t ws_len(const char *t, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    unsigned char c = (unsigned char)t[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')
        return 1;
    unsigned char c1 = i + 1 < n ? (unsigned char)t[i + 1] : 0;
    unsigned char c2 = i + 2 < n ? (unsigned char)t[i + 2] : 0;
    if (c == 0xC2 && c1 == 0xA0) /* U+00A0 */
        return 2;
    if (c == 0xE1 && c1 == 0x9A && c2 == 0x80) /* U+1680 */
        return 3;
    if (c == 0xE2 && c1 == 0x80 &&
        ((c2 >= 0x80 && c2 <= 0x8A) || c2 == 0xA8 || c2 == 0xA9 ||
         c2 == 0xAF)) /* U+2000..200A, 2028, 2029, 202F */
        return 3;
    if (c == 0xE2 && c1 == 0x81 && c2 == 0x9F) /* U+205F */
        return 3;
    if (c == 0xE3 && c1 == 0x80 && c2 == 0x80) /* U+3000 */
        return 3;
    if (c == 0xEF && c1 == 0xBB && c2 == 0xBF) /* U+FEFF, the byte order mark */
        return 3;
    return 0;
}

static size_t skip_ws(const char *t, size_t n, size_t i)
{
    size_t w;
    while ((w = ws_len(t, n, i)) > 0)
        i += w;
    return i;
}

static int is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/*
 * `\s*(?:#.*)?$` from t0: the greedy \s* backs off until a '#' (then the
 * comment runs to the end of the line) or an end of line follows. Returns
 * the end of the match; always succeeds when t0 is at '#', '\n' or the end.
 */
static int match_tail(const char *t, size_t n, size_t t0, size_t *end)
{
    int found = 0;
    size_t best = 0;
    for (size_t b = t0;;) {
        if (b >= n || t[b] == '\n' || t[b] == '#') {
            found = 1;
            best = b;
        }
        size_t w = ws_len(t, n, b);
        if (w == 0)
            break;
        b += w;
    }
    if (!found)
        return 0;
    if (best < n && t[best] == '#') {
        while (best < n && t[best] != '\n')
            best++;
    }
    *end = best;
    return 1;
}

/*
 * A quoted value opening at t[w]: the body (?:\\Q|[^Q])* is greedy and
 * prefers to read \Q as an escaped quote, so the closing quote tried first is
 * the first one not preceded by a backslash, then each escaped one before it,
 * from the farthest back; the first whose tail matches wins.
 */
static int match_quoted(const char *t, size_t n, size_t w, size_t *close_out, size_t *end)
{
    char q = t[w];
    size_t *cand = NULL, nc = 0, cap = 0;
    for (size_t i = w + 1; i < n; i++) {
        if (t[i] != q)
            continue;
        ALLOC_GROW(cand, nc + 1, cap);
        cand[nc++] = i;
        if (!(t[i - 1] == '\\' && i - 1 > w))
            break; /* not escaped: the body cannot go past it */
    }
    int ok = 0;
    for (size_t k = nc; k > 0 && !ok; k--)
        if (match_tail(t, n, cand[k - 1] + 1, end)) {
            *close_out = cand[k - 1];
            ok = 1;
        }
    free(cand);
    return ok;
}

struct span {
    size_t key, key_len, val, val_len, end;
};

/*
 * The key and what follows it. After "=" the lazy \s*? never needs to grow
 * (with zero spaces the value group or its absence always lets the tail
 * match); after ":" it takes exactly one whitespace character.
 */
static int match_from_key(const char *t, size_t n, size_t k, struct span *m)
{
    size_t e = k;
    while (e < n && is_key_char(t[e]))
        e++;
    if (e == k)
        return 0;
    size_t v, j = skip_ws(t, n, e);
    if (j < n && t[j] == '=') {
        v = j + 1;
    } else if (e < n && t[e] == ':' && ws_len(t, n, e + 1) > 0) {
        v = e + 1 + ws_len(t, n, e + 1);
    } else {
        return 0;
    }
    m->key = k;
    m->key_len = e - k;
    m->val = v;

    size_t w = skip_ws(t, n, v), close;
    if (w < n && (t[w] == '\'' || t[w] == '"' || t[w] == '`') &&
        match_quoted(t, n, w, &close, &m->end)) {
        m->val_len = close + 1 - v;
        return 1;
    }
    size_t u = v;
    while (u < n && t[u] != '#' && t[u] != '\n')
        u++;
    m->val_len = u - v;
    return match_tail(t, n, u, &m->end);
}

/*
 * A match starting at line start p: `^\s*(?:export\s+)?` then the key. *after_ws
 * is where the leading whitespace ends: every line start up to there would
 * fail or succeed the same way.
 */
static int match_at(const char *t, size_t n, size_t p, struct span *m, size_t *after_ws)
{
    size_t i = skip_ws(t, n, p);
    *after_ws = i;
    if (n - i > 6 && memcmp(t + i, "export", 6) == 0 && ws_len(t, n, i + 6) > 0 &&
        match_from_key(t, n, skip_ws(t, n, i + 6), m))
        return 1;
    return match_from_key(t, n, i, m);
}

/* Trim, strip the quotes, expand \n and \r after a leading '"'. Caller frees. */
static char *clean_value(const char *t, const struct span *m)
{
    size_t s = m->val, e = m->val + m->val_len;
    s = skip_ws(t, e, s);
    /* JavaScript's trim() at the end: back over whitespace characters. */
    for (;;) {
        size_t b = e;
        if (b > s && ws_len(t, e, b - 1) == 1)
            b -= 1;
        else if (b >= s + 2 && ws_len(t, e, b - 2) == 2)
            b -= 2;
        else if (b >= s + 3 && ws_len(t, e, b - 3) == 3)
            b -= 3;
        if (b == e)
            break;
        e = b;
    }
    char first = s < e ? t[s] : '\0';
    if (e - s >= 2 && (first == '\'' || first == '"' || first == '`') && t[e - 1] == first) {
        s++;
        e--;
    }
    struct buf b = BUF_INIT;
    for (size_t i = s; i < e; i++) {
        if (first == '"' && t[i] == '\\' && i + 1 < e && (t[i + 1] == 'n' || t[i + 1] == 'r')) {
            buf_addch(&b, t[i + 1] == 'n' ? '\n' : '\r');
            i++;
        } else {
            buf_addch(&b, t[i]);
        }
    }
    return buf_detach(&b, NULL);
}

/* ---- expansion (Prisma's packages/internals/src/dotenvExpand.ts) ---- */

/* Longest expanded value built from references; past it references stay as written. */
#define DOTENV_EXPAND_MAX ((size_t)64 * 1024)
/* Deepest chain of references followed. */
#define DOTENV_EXPAND_DEPTH 64

struct dv_entry {
    char *key;
    size_t key_len;
    char *raw;   /* the value as dotenv parsed it; NULL for a name from the environment only */
    char *value; /* expanded (lookup result), once computed */
    int state;   /* 0 not yet, 1 being expanded, 2 done */
};

/* The file's keys (first n_file entries, in order) then names only the environment has. */
struct dv_set {
    struct dv_entry *v;
    size_t n, cap, n_file;
    size_t *slots; /* open addressing: index + 1, 0 when empty */
    size_t n_slots;
};

static size_t hash_name(const char *s, size_t len)
{
    size_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Index of key in set, or (size_t)-1. */
static size_t find(const struct dv_set *set, const char *key, size_t len)
{
    if (!set->n_slots)
        return (size_t)-1;
    for (size_t h = hash_name(key, len) & (set->n_slots - 1);; h = (h + 1) & (set->n_slots - 1)) {
        size_t k = set->slots[h];
        if (k == 0)
            return (size_t)-1;
        const struct dv_entry *en = &set->v[k - 1];
        if (en->key_len == len && memcmp(en->key, key, len) == 0)
            return k - 1;
    }
}

static void slot_put(struct dv_set *set, size_t idx)
{
    const struct dv_entry *en = &set->v[idx];
    size_t h = hash_name(en->key, en->key_len) & (set->n_slots - 1);
    while (set->slots[h])
        h = (h + 1) & (set->n_slots - 1);
    set->slots[h] = idx + 1;
}

/* Append a new entry (key not present) and index it; returns its index. */
static size_t add_entry(struct dv_set *set, char *key, size_t len, char *raw)
{
    ALLOC_GROW(set->v, set->n + 1, set->cap);
    size_t idx = set->n++;
    set->v[idx] = (struct dv_entry){key, len, raw, NULL, 0};
    if (set->n * 2 > set->n_slots) {
        free(set->slots);
        set->n_slots = set->n_slots ? set->n_slots * 2 : 64;
        while (set->n * 2 > set->n_slots)
            set->n_slots *= 2;
        set->slots = xcalloc(set->n_slots, sizeof(*set->slots));
        for (size_t i = 0; i < set->n; i++)
            slot_put(set, i);
    } else {
        slot_put(set, idx);
    }
    return idx;
}

static char *interpolate(struct dv_set *set, const char *s, int depth);

/*
 * The value a reference ${NAME} stands for: the environment's when NAME is
 * set there, otherwise the file's (from any line, earlier or later), itself
 * expanded; "" when neither has it or when NAME is being expanded already (a
 * cycle, on which Prisma would overflow its stack). Not owned by the caller;
 * valid until the set is released.
 */
static const char *lookup(struct dv_set *set, const char *name, size_t len, int depth)
{
    size_t idx = find(set, name, len);
    if (idx == (size_t)-1) {
        char *key = xstrndup(name, len);
        if (!getenv(key)) {
            free(key);
            return "";
        }
        idx = add_entry(set, key, len, NULL);
    }
    struct dv_entry *en = &set->v[idx];
    if (en->state == 2)
        return en->value;
    if (en->state == 1 || depth >= DOTENV_EXPAND_DEPTH)
        return "";
    en->state = 1;
    const char *env = getenv(en->key);
    /* set->v may move while expanding (new names are appended): use idx after. */
    char *v = interpolate(set, env ? env : en->raw, depth + 1);
    set->v[idx].value = v;
    set->v[idx].state = 2;
    return v;
}

/*
 * Replace ${NAME} (NAME of [A-Za-z0-9_], possibly empty) by its value; a
 * backslash just before the '$' keeps "${NAME}" literally and is dropped.
 * $NAME without braces is left alone, as Prisma does.
 */
static char *interpolate(struct dv_set *set, const char *s, int depth)
{
    struct buf b = BUF_INIT;
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        int escaped = s[i] == '\\' && i + 1 < n && s[i + 1] == '$';
        size_t d = escaped ? i + 1 : i;
        if (s[d] != '$' || d + 1 >= n || s[d + 1] != '{') {
            buf_addch(&b, s[i]);
            continue;
        }
        size_t j = d + 2;
        while (j < n && ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') ||
                         (s[j] >= '0' && s[j] <= '9') || s[j] == '_'))
            j++;
        if (j >= n || s[j] != '}') {
            buf_addch(&b, s[i]);
            continue;
        }
        if (escaped) {
            buf_add(&b, s + d, j + 1 - d);
        } else {
            const char *v = lookup(set, s + d + 2, j - d - 2, depth);
            size_t vl = strlen(v);
            if (b.len + vl > DOTENV_EXPAND_MAX)
                buf_add(&b, s + d, j + 1 - d);
            else
                buf_add(&b, v, vl);
        }
        i = j;
    }
    return buf_detach(&b, NULL);
}

int dotenv_parse(const char *text, size_t len, dotenv_cb cb, void *ud)
{
    struct buf norm = BUF_INIT;
    struct dv_set set = {0};

    /* dotenv: lines.replace(/\r\n?/mg, '\n') */
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\r') {
            buf_addch(&norm, '\n');
            if (i + 1 < len && text[i + 1] == '\n')
                i++;
        } else {
            buf_addch(&norm, text[i]);
        }
    }
    const char *t = norm.data;
    size_t n = norm.len;

    /* The global regular expression: try each line start from where the last match ended. */
    size_t pos = 0;
    while (pos <= n) {
        size_t p = pos;
        while (p < n && p > 0 && t[p - 1] != '\n')
            p++;
        if (p > 0 && t[p - 1] != '\n')
            break; /* no line start left */
        struct span m;
        size_t after_ws;
        if (!match_at(t, n, p, &m, &after_ws)) {
            pos = after_ws > p ? after_ws : p + 1;
            continue;
        }
        char *value = clean_value(t, &m);
        size_t idx = find(&set, t + m.key, m.key_len);
        if (idx != (size_t)-1) {
            /* a later line wins, in the first one's place (find() only returns an index
             * into set.v, so it is not NULL here) */
            free(set.v[idx].raw); // NOLINT(clang-analyzer-core.NullDereference)
            set.v[idx].raw = value;
        } else {
            add_entry(&set, xstrndup(t + m.key, m.key_len), m.key_len, value);
        }
        pos = m.end > p ? m.end : p + 1;
    }

    /* Expand every value before reporting any, so cb (e.g. setenv) cannot change the result. */
    set.n_file = set.n;
    for (size_t i = 0; i < set.n_file; i++)
        lookup(&set, set.v[i].key, set.v[i].key_len, 0);
    for (size_t i = 0; i < set.n_file; i++) {
        assert(set.v[i].state == 2 && set.v[i].value);
        if (cb)
            cb(set.v[i].key, set.v[i].value, ud);
    }

    int count = (int)set.n_file;
    for (size_t i = 0; i < set.n; i++) {
        free(set.v[i].key);
        free(set.v[i].raw);
        free(set.v[i].value);
    }
    free(set.v);
    free(set.slots);
    buf_release(&norm);
    return count;
}

static void set_if_unset(const char *key, const char *value, void *ud)
{
    (void)ud;
    setenv(key, value, 0);
}

int dotenv_load(const char *path, struct pm_err *e)
{
    struct stat st;
    if (stat(path, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
        return 0;
    struct buf b = BUF_INIT;
    if (fs_read_file(path, &b, e) != 0) {
        buf_release(&b);
        return -1;
    }
    int count = dotenv_parse(b.data, b.len, set_if_unset, NULL);
    buf_release(&b);
    return count;
}
