/*
 * fuzz_dotenv.c - libFuzzer target for util/dotenv.c: dotenv_parse only
 * (never setenv). Checks that every reported key is a valid, distinct name,
 * that the count matches the callbacks, that expansion stays bounded, and
 * that parsing is deterministic.
 */
#include "util/buf.h"
#include "util/dotenv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
    struct buf all; /* "key=value\n" of every callback */
    int calls;
    size_t max_value;
    char **keys;
    int n_keys;
};

static void check_pair(const char *key, const char *value, void *ud)
{
    struct seen *s = ud;
    if (!key[0])
        abort();
    for (const char *p = key; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '_' || *p == '.' || *p == '-'))
            abort();
    for (int i = 0; i < s->n_keys; i++)
        if (strcmp(s->keys[i], key) == 0)
            abort(); /* each key once */
    s->keys = realloc(s->keys, (size_t)(s->n_keys + 1) * sizeof(*s->keys));
    if (!s->keys)
        abort();
    s->keys[s->n_keys++] = strdup(key);
    if (strlen(value) > s->max_value)
        abort();
    buf_addf(&s->all, "%s=%s\n", key, value);
    s->calls++;
}

static void run(const uint8_t *data, size_t size, struct seen *s)
{
    memset(s, 0, sizeof(*s));
    buf_init(&s->all);
    /* the raw text plus what references may add (64 KiB per value) */
    s->max_value = size + 64 * 1024;
    int n = dotenv_parse((const char *)data, size, check_pair, s);
    if (n != s->calls)
        abort();
}

static void release(struct seen *s)
{
    for (int i = 0; i < s->n_keys; i++)
        free(s->keys[i]);
    free(s->keys);
    buf_release(&s->all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384)
        return 0;
    struct seen a, b;
    run(data, size, &a);
    run(data, size, &b);
    if (a.all.len != b.all.len || memcmp(a.all.data, b.all.data, a.all.len) != 0)
        abort();
    release(&a);
    release(&b);
    /* and without a callback */
    dotenv_parse((const char *)data, size, NULL, NULL);
    return 0;
}
