/*
 * json.h - a small streaming JSON writer into a struct buf. It tracks nesting
 * so commas are placed automatically; keys and values are escaped per RFC 8259.
 * Every --json document pgmig prints starts with "version": 1.
 */
#ifndef PGMIG_UTIL_JSON_H
#define PGMIG_UTIL_JSON_H

#include "util/buf.h"

#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
    struct buf *out;
    int depth;
    int count[JSON_MAX_DEPTH]; /* values written at each level */
    int after_key;
};

void json_init(struct json *j, struct buf *out);
void json_object_begin(struct json *j);
void json_object_end(struct json *j);
void json_array_begin(struct json *j);
void json_array_end(struct json *j);
void json_key(struct json *j, const char *key);
/* A NULL string is written as null. */
void json_str(struct json *j, const char *s);
void json_strn(struct json *j, const char *s, size_t n);
void json_int(struct json *j, int64_t v);
void json_bool(struct json *j, int v);
void json_null(struct json *j);

/* key + value shorthands */
void json_kstr(struct json *j, const char *key, const char *s);
void json_kint(struct json *j, const char *key, int64_t v);
void json_kbool(struct json *j, const char *key, int v);
void json_knull(struct json *j, const char *key);

/* Append s as a JSON string literal (with quotes) to b. */
void json_escape(struct buf *b, const char *s, size_t n);

#endif
