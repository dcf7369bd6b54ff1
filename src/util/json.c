/*
 * json.c - streaming JSON writer.
 */
#include "util/json.h"

#include <assert.h>
#include <inttypes.h>
#include <string.h>

void json_init(struct json *j, struct buf *out)
{
    memset(j, 0, sizeof(*j));
    j->out = out;
}

/* Emit the separator owed before a new value at the current level. */
static void before_value(struct json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->count[j->depth]++)
        buf_addch(j->out, ',');
}

static void open_level(struct json *j, char c)
{
    before_value(j);
    buf_addch(j->out, c);
    assert(j->depth + 1 < JSON_MAX_DEPTH);
    j->depth++;
    j->count[j->depth] = 0;
}

static void close_level(struct json *j, char c)
{
    assert(j->depth > 0);
    j->depth--;
    buf_addch(j->out, c);
}

void json_object_begin(struct json *j)
{
    open_level(j, '{');
}

void json_object_end(struct json *j)
{
    close_level(j, '}');
}

void json_array_begin(struct json *j)
{
    open_level(j, '[');
}

void json_array_end(struct json *j)
{
    close_level(j, ']');
}

void json_escape(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    buf_addch(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"':
            buf_adds(b, "\\\"");
            break;
        case '\\':
            buf_adds(b, "\\\\");
            break;
        case '\n':
            buf_adds(b, "\\n");
            break;
        case '\r':
            buf_adds(b, "\\r");
            break;
        case '\t':
            buf_adds(b, "\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                buf_adds(b, "\\u00");
                buf_addch(b, hex[c >> 4]);
                buf_addch(b, hex[c & 15]);
            } else {
                buf_addch(b, (char)c);
            }
        }
    }
    buf_addch(b, '"');
}

void json_key(struct json *j, const char *key)
{
    before_value(j);
    json_escape(j->out, key, strlen(key));
    buf_addch(j->out, ':');
    j->after_key = 1;
}

void json_strn(struct json *j, const char *s, size_t n)
{
    before_value(j);
    json_escape(j->out, s, n);
}

void json_str(struct json *j, const char *s)
{
    if (!s) {
        json_null(j);
        return;
    }
    json_strn(j, s, strlen(s));
}

void json_int(struct json *j, int64_t v)
{
    before_value(j);
    buf_addf(j->out, "%" PRId64, v);
}

void json_bool(struct json *j, int v)
{
    before_value(j);
    buf_adds(j->out, v ? "true" : "false");
}

void json_null(struct json *j)
{
    before_value(j);
    buf_adds(j->out, "null");
}

void json_kstr(struct json *j, const char *key, const char *s)
{
    json_key(j, key);
    json_str(j, s);
}

void json_kint(struct json *j, const char *key, int64_t v)
{
    json_key(j, key);
    json_int(j, v);
}

void json_kbool(struct json *j, const char *key, int v)
{
    json_key(j, key);
    json_bool(j, v);
}

void json_knull(struct json *j, const char *key)
{
    json_key(j, key);
    json_null(j);
}
