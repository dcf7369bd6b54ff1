/*
 * test_util.c - unit tests for src/util: buf, the JSON writer, srcpos and
 * utf8_valid, SQL quoting, SHA-256 and UUIDs, pm_err_locate and the human
 * error report (gutter, excerpt and caret).
 */
#include "unit.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/mem.h"
#include "util/quote.h"
#include "util/report.h"
#include "util/srcpos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ buf */

static void test_buf_init_empty(void)
{
    struct buf b = BUF_INIT;
    CHECK(b.data == buf_empty_);
    CHECK_INT(b.len, 0);
    CHECK_INT(b.cap, 0);
    CHECK_STR(b.data, "");
    buf_release(&b);
    CHECK(b.data == buf_empty_);

    struct buf c;
    buf_init(&c);
    CHECK(c.data == buf_empty_);
    /* truncating or resetting an empty buf never writes to the shared "" */
    buf_truncate(&c, 0);
    buf_reset(&c);
    CHECK(c.data == buf_empty_);
    CHECK_INT(buf_empty_[0], 0);
    /* adding nothing does not allocate */
    buf_add(&c, "x", 0);
    buf_addchars(&c, 'x', 0);
    CHECK_INT(c.cap, 0);
    CHECK(c.data == buf_empty_);
}

static void test_buf_growth(void)
{
    struct buf b = BUF_INIT;
    buf_addch(&b, 'a');
    CHECK_INT(b.cap, 64);
    CHECK_INT(b.len, 1);
    CHECK_STR(b.data, "a");
    CHECK(b.data != buf_empty_);
    for (int i = 1; i < 63; i++)
        buf_addch(&b, (char)('a' + i % 26));
    CHECK_INT(b.len, 63);
    CHECK_INT(b.cap, 64); /* 63 bytes + NUL fit exactly */
    buf_addch(&b, '!');
    CHECK_INT(b.len, 64);
    CHECK_INT(b.cap, 128);
    CHECK_INT(b.data[63], '!');
    CHECK_INT(b.data[64], 0);
    CHECK_INT(strlen(b.data), 64);

    /* one big append doubles as often as needed */
    buf_addchars(&b, 'z', 1000);
    CHECK_INT(b.len, 1064);
    CHECK_INT(b.cap, 2048);
    CHECK_INT(b.data[1063], 'z');
    CHECK_INT(b.data[1064], 0);
    CHECK_INT(b.data[64], 'z');

    /* reset keeps the allocation */
    char *before = b.data;
    buf_reset(&b);
    CHECK_INT(b.len, 0);
    CHECK_INT(b.cap, 2048);
    CHECK(b.data == before);
    CHECK_STR(b.data, "");

    /* buf_grow reserves without changing the contents */
    buf_adds(&b, "xy");
    buf_grow(&b, 5000);
    CHECK_INT(b.cap, 8192);
    CHECK_INT(b.len, 2);
    CHECK_STR(b.data, "xy");
    buf_release(&b);
    CHECK(b.data == buf_empty_);
    CHECK_INT(b.len, 0);
    CHECK_INT(b.cap, 0);
}

static void test_buf_addf(void)
{
    struct buf b = BUF_INIT;
    /* first addf on a buf without storage */
    buf_addf(&b, "%d-%s", 42, "x");
    CHECK_STR(b.data, "42-x");
    CHECK_INT(b.len, 4);
    CHECK_INT(b.cap, 64);

    /* fills up to exactly cap - 1, then one more byte forces growth */
    buf_addchars(&b, '.', 56);
    CHECK_INT(b.len, 60);
    buf_addf(&b, "%s", "abc");
    CHECK_INT(b.len, 63);
    CHECK_INT(b.cap, 64);
    CHECK_STR(b.data + 60, "abc");
    buf_addf(&b, "%c", 'd');
    CHECK_INT(b.len, 64);
    CHECK_INT(b.cap, 128);
    CHECK_STR(b.data + 60, "abcd");
    CHECK_INT(strncmp(b.data, "42-x....", 8), 0);

    /* a long formatted string, longer than the current capacity */
    char *big = xmalloc(301);
    memset(big, 'q', 300);
    big[300] = '\0';
    buf_reset(&b);
    buf_addf(&b, "<%s>%05d", big, 7);
    CHECK_INT(b.len, 307);
    CHECK_INT(b.data[0], '<');
    CHECK_INT(b.data[301], '>');
    CHECK_STR(b.data + 301, ">00007");
    CHECK_INT(b.cap, 512);
    free(big);

    /* an empty format adds nothing */
    buf_reset(&b);
    buf_addf(&b, "%s", "");
    CHECK_INT(b.len, 0);
    CHECK_STR(b.data, "");
    buf_release(&b);
}

static void test_buf_detach(void)
{
    struct buf b = BUF_INIT;
    size_t len = 99;
    buf_adds(&b, "hello");
    char *p = buf_detach(&b, &len);
    CHECK_STR(p, "hello");
    CHECK_INT(len, 5);
    CHECK(b.data == buf_empty_);
    CHECK_INT(b.len, 0);
    CHECK_INT(b.cap, 0);
    free(p);

    /* an empty buf detaches to a fresh "" the caller can free */
    len = 99;
    p = buf_detach(&b, &len);
    CHECK(p != buf_empty_);
    CHECK_STR(p, "");
    CHECK_INT(len, 0);
    free(p);

    /* NULL len_out is allowed; the buf is usable again afterwards */
    buf_adds(&b, "x");
    p = buf_detach(&b, NULL);
    CHECK_STR(p, "x");
    free(p);
    buf_adds(&b, "again");
    CHECK_STR(b.data, "again");
    buf_release(&b);
}

static void test_buf_truncate(void)
{
    struct buf b = BUF_INIT;
    buf_adds(&b, "abcdef");
    buf_truncate(&b, 3);
    CHECK_INT(b.len, 3);
    CHECK_STR(b.data, "abc");
    CHECK_INT(b.data[3], 0);
    /* longer than the contents: no-op */
    buf_truncate(&b, 10);
    CHECK_INT(b.len, 3);
    CHECK_STR(b.data, "abc");
    buf_truncate(&b, 3);
    CHECK_STR(b.data, "abc");
    buf_truncate(&b, 0);
    CHECK_INT(b.len, 0);
    CHECK_STR(b.data, "");
    buf_adds(&b, "z");
    CHECK_STR(b.data, "z");
    buf_release(&b);
}

static void test_buf_embedded_nul(void)
{
    struct buf b = BUF_INIT;
    buf_add(&b, "a\0b", 3);
    CHECK_INT(b.len, 3);
    CHECK_INT(memcmp(b.data, "a\0b", 4), 0); /* includes the terminating NUL */
    buf_addch(&b, '\0');
    CHECK_INT(b.len, 4);
    buf_adds(&b, "cd");
    CHECK_INT(b.len, 6);
    CHECK_INT(memcmp(b.data, "a\0b\0cd", 7), 0);
    CHECK_INT(strlen(b.data), 1);
    buf_addf(&b, "%s", "e");
    CHECK_INT(b.len, 7);
    CHECK_INT(memcmp(b.data, "a\0b\0cde", 8), 0);
    size_t len = 0;
    char *p = buf_detach(&b, &len);
    CHECK_INT(len, 7);
    CHECK_INT(memcmp(p, "a\0b\0cde", 8), 0);
    free(p);
}

/* ------------------------------------------------------------------ json */

static void test_json_nesting(void)
{
    struct buf b = BUF_INIT;
    struct json j;
    json_init(&j, &b);
    json_object_begin(&j);
    json_kint(&j, "version", 1);
    json_key(&j, "items");
    json_array_begin(&j);
    json_object_begin(&j);
    json_kstr(&j, "name", "a");
    json_kbool(&j, "ok", 1);
    json_object_end(&j);
    json_object_begin(&j);
    json_kstr(&j, "name", NULL);
    json_kint(&j, "n", -5);
    json_kbool(&j, "ok", 0);
    json_object_end(&j);
    json_array_end(&j);
    json_key(&j, "empty");
    json_array_begin(&j);
    json_array_end(&j);
    json_key(&j, "o");
    json_object_begin(&j);
    json_object_end(&j);
    json_knull(&j, "z");
    json_key(&j, "deep");
    json_array_begin(&j);
    json_array_begin(&j);
    json_int(&j, 1);
    json_array_end(&j);
    json_array_begin(&j);
    json_array_end(&j);
    json_int(&j, 2);
    json_array_end(&j);
    json_object_end(&j);
    CHECK_STR(b.data, "{\"version\":1,\"items\":[{\"name\":\"a\",\"ok\":true},"
                      "{\"name\":null,\"n\":-5,\"ok\":false}],\"empty\":[],\"o\":{},\"z\":null,"
                      "\"deep\":[[1],[],2]}");
    CHECK_INT(j.depth, 0);
    buf_release(&b);

    /* top-level array of scalars, 64-bit extremes */
    json_init(&j, &b);
    json_array_begin(&j);
    json_int(&j, 1);
    json_str(&j, "x");
    json_bool(&j, 0);
    json_null(&j);
    json_int(&j, INT64_MAX);
    json_int(&j, INT64_MIN);
    json_strn(&j, "abcdef", 3);
    json_array_end(&j);
    CHECK_STR(b.data, "[1,\"x\",false,null,9223372036854775807,-9223372036854775808,\"abc\"]");
    buf_release(&b);
}

static void test_json_escaping(void)
{
    struct buf b = BUF_INIT;
    static const char s[] = "q\"b\\s/n\nr\rt\tb\bf\f\x01\x1f\x7f end";
    json_escape(&b, s, sizeof s - 1);
    CHECK_STR(b.data, "\"q\\\"b\\\\s/n\\nr\\rt\\tb\\u0008f\\u000c\\u0001\\u001f\\u007f end\"");
    buf_reset(&b);

    /* an embedded NUL is escaped, not a terminator */
    json_escape(&b, "a\0b", 3);
    CHECK_STR(b.data, "\"a\\u0000b\"");
    buf_reset(&b);

    /* UTF-8 passes through byte for byte: é, €, U+1F600 */
    static const char u[] = "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    json_escape(&b, u, sizeof u - 1);
    CHECK_STR(b.data, "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    buf_reset(&b);

    /* keys are escaped too */
    struct json j;
    json_init(&j, &b);
    json_object_begin(&j);
    json_kstr(&j, "k\"1\n", "v\\");
    json_kstr(&j, "", "");
    json_object_end(&j);
    CHECK_STR(b.data, "{\"k\\\"1\\n\":\"v\\\\\",\"\":\"\"}");
    buf_release(&b);
}

/* ------------------------------------------------------------------ srcpos */

static void test_srcpos_multibyte(void)
{
    /* h é(2) l l o \n w ö(2) r l d \n: offsets h0 é1 l3 l4 o5 nl6 w7 ö8 r10 l11 d12 nl13 */
    static const char t[] = "h\xc3\xa9llo\nw\xc3\xb6rld\n";
    size_t len = sizeof t - 1;
    CHECK_INT(len, 14);
    struct srcpos p = srcpos_of(t, len, 0);
    CHECK_INT(p.line, 1);
    CHECK_INT(p.col, 1);
    CHECK_INT(p.line_start, 0);
    CHECK_INT(p.line_end, 6);
    p = srcpos_of(t, len, 3); /* the first l, after é */
    CHECK_INT(p.line, 1);
    CHECK_INT(p.col, 3);
    p = srcpos_of(t, len, 6); /* the '\n' itself */
    CHECK_INT(p.line, 1);
    CHECK_INT(p.col, 6);
    p = srcpos_of(t, len, 10); /* r */
    CHECK_INT(p.line, 2);
    CHECK_INT(p.col, 3);
    CHECK_INT(p.line_start, 7);
    CHECK_INT(p.line_end, 13);
    p = srcpos_of(t, len, 12); /* d */
    CHECK_INT(p.col, 5);

    /* a 4-byte character is one column */
    static const char e[] = "\xf0\x9f\x98\x80x";
    p = srcpos_of(e, sizeof e - 1, 4);
    CHECK_INT(p.line, 1);
    CHECK_INT(p.col, 2);
    CHECK_INT(p.line_end, 5);

    /* tabs are one character */
    p = srcpos_of("\t\tx", 3, 2);
    CHECK_INT(p.col, 3);
}

static void test_srcpos_crlf_and_end(void)
{
    /* a0 \r1 \n2 b3 c4 \r5 \n6, len 7 */
    static const char t[] = "a\r\nbc\r\n";
    size_t len = sizeof t - 1;
    struct srcpos p = srcpos_of(t, len, 4);
    CHECK_INT(p.line, 2);
    CHECK_INT(p.col, 2);
    CHECK_INT(p.line_start, 3);
    CHECK_INT(p.line_end, 6);
    p = srcpos_of(t, len, 1); /* the \r is still on line 1 */
    CHECK_INT(p.line, 1);
    CHECK_INT(p.col, 2);
    CHECK_INT(p.line_end, 2);

    /* offset at the end of the text: the (empty) line after the last newline */
    p = srcpos_of(t, len, len);
    CHECK_INT(p.line, 3);
    CHECK_INT(p.col, 1);
    CHECK_INT(p.line_start, 7);
    CHECK_INT(p.line_end, 7);
    /* past the end: clamped to the end */
    p = srcpos_of(t, len, len + 100);
    CHECK_INT(p.line, 3);
    CHECK_INT(p.col, 1);

    /* end of a text without a final newline */
    p = srcpos_of("ab\ncd", 5, 5);
    CHECK_INT(p.line, 2);
    CHECK_INT(p.col, 3);
    CHECK_INT(p.line_start, 3);
    CHECK_INT(p.line_end, 5);

    /* empty text */
    p = srcpos_of("", 0, 0);
    CHECK_INT(p.line, 1);
    CHECK_INT(p.col, 1);
    CHECK_INT(p.line_start, 0);
    CHECK_INT(p.line_end, 0);

    /* the text need not be NUL-terminated: only len bytes are looked at */
    static const char nn[] = {'a', '\n', 'b', 'X', '\n', 'c'};
    p = srcpos_of(nn, 3, 3);
    CHECK_INT(p.line, 2);
    CHECK_INT(p.col, 2);
    CHECK_INT(p.line_end, 3);
}

static void test_srcpos_advance(void)
{
    static const char t[] = "h\xc3\xa9llo \xf0\x9f\x98\x80!"; /* h é l l o sp 😀 ! */
    size_t len = sizeof t - 1;
    CHECK_INT(len, 12);
    CHECK_INT(srcpos_advance_chars(t, len, 0, 0), 0);
    CHECK_INT(srcpos_advance_chars(t, len, 0, 1), 1);
    CHECK_INT(srcpos_advance_chars(t, len, 0, 2), 3);
    CHECK_INT(srcpos_advance_chars(t, len, 1, 1), 3);
    CHECK_INT(srcpos_advance_chars(t, len, 3, 3), 6);
    CHECK_INT(srcpos_advance_chars(t, len, 3, 4), 7);
    CHECK_INT(srcpos_advance_chars(t, len, 7, 1), 11);
    CHECK_INT(srcpos_advance_chars(t, len, 0, 8), 12);
    /* beyond the end: stops at len */
    CHECK_INT(srcpos_advance_chars(t, len, 0, 100), 12);
    CHECK_INT(srcpos_advance_chars(t, len, 12, 1), 12);
    /* advancing n characters from the start lands where srcpos_of says column n+1 */
    size_t off = srcpos_advance_chars(t, len, 0, 7);
    CHECK_INT(srcpos_of(t, len, off).col, 8);
}

static void check_bad(const char *s, size_t len, size_t at, int line)
{
    size_t bad = 12345;
    int ok = utf8_valid(s, len, &bad);
    if (ok || bad != at)
        fprintf(stderr, "  (utf8 case at line %d: valid=%d bad=%zu, expected bad=%zu)\n", line, ok,
                bad, at);
    CHECK_INT(ok, 0);
    CHECK_INT(bad, at);
}
#define BAD(lit, at) check_bad(lit, sizeof(lit) - 1, at, __LINE__)

static void check_good(const char *s, size_t len, int line)
{
    size_t bad = 12345;
    int ok = utf8_valid(s, len, &bad);
    if (!ok)
        fprintf(stderr, "  (utf8 case at line %d: unexpectedly invalid at %zu)\n", line, bad);
    CHECK_INT(ok, 1);
    CHECK_INT(bad, 12345); /* untouched on success */
}
#define GOOD(lit) check_good(lit, sizeof(lit) - 1, __LINE__)

static void test_utf8_valid(void)
{
    GOOD("");
    GOOD("plain ascii\n\t");
    GOOD("\xc2\x80");         /* U+0080, smallest 2-byte */
    GOOD("\xdf\xbf");         /* U+07FF */
    GOOD("\xe0\xa0\x80");     /* U+0800, smallest 3-byte */
    GOOD("\xed\x9f\xbf");     /* U+D7FF, just below the surrogates */
    GOOD("\xee\x80\x80");     /* U+E000, just above */
    GOOD("\xef\xbf\xbf");     /* U+FFFF */
    GOOD("\xf0\x90\x80\x80"); /* U+10000, smallest 4-byte */
    GOOD("\xf4\x8f\xbf\xbf"); /* U+10FFFF, the largest */
    GOOD("x\xc3\xa9y\xe2\x82\xacz\xf0\x9f\x98\x80");
    /* NUL is valid UTF-8 (the SQL layer rejects it separately) */
    GOOD("a\0b");

    /* overlong forms */
    BAD("ab\xc0\xaf", 2);
    BAD("\xc1\xbf", 0);
    BAD("x\xe0\x80\xaf", 1);
    BAD("\xe0\x9f\xbf", 0); /* U+07FF in 3 bytes */
    BAD("\xf0\x80\x80\xaf", 0);
    BAD("\xf0\x8f\xbf\xbf", 0); /* U+FFFF in 4 bytes */
    /* surrogates */
    BAD("ok\xed\xa0\x80", 2); /* U+D800 */
    BAD("\xed\xbf\xbf", 0);   /* U+DFFF */
    /* beyond U+10FFFF */
    BAD("\xf4\x90\x80\x80", 0);
    BAD("\xf5\x80\x80\x80", 0);
    BAD("\xf7\xbf\xbf\xbf", 0);
    BAD("\xf8\x88\x80\x80\x80", 0); /* 5-byte form */
    BAD("\xfe", 0);
    BAD("\xff", 0);
    /* truncated sequences, at the end and before another character */
    BAD("a\xc3", 1);
    BAD("ab\xe2\x82", 2);
    BAD("\xf0\x9f\x98", 0);
    BAD("\xe2\x82x", 0);
    BAD("\xc3 ", 0);
    /* a continuation byte without a lead byte */
    BAD("abc\x80", 3);
    BAD("\xc3\xa9\xa9", 2);
    /* the first bad byte is reported, not a later one */
    BAD("\xc3\xa9\xff\xff", 2);

    /* only len bytes are checked; bad_offset may be NULL */
    CHECK_INT(utf8_valid("ab\xff", 2, NULL), 1);
    CHECK_INT(utf8_valid("ab\xff", 3, NULL), 0);
    /* a sequence cut by len is truncated even when the next byte would complete it */
    size_t bad = 0;
    CHECK_INT(utf8_valid("\xc3\xa9", 1, &bad), 0);
    CHECK_INT(bad, 0);
}

/* ------------------------------------------------------------------ quote */

static void test_quote(void)
{
    char *s;
    s = quote_ident("users");
    CHECK_STR(s, "\"users\"");
    free(s);
    s = quote_ident("SystemPrompt");
    CHECK_STR(s, "\"SystemPrompt\"");
    free(s);
    s = quote_ident("a\"b\"\"");
    CHECK_STR(s, "\"a\"\"b\"\"\"\"\"");
    free(s);
    s = quote_ident("");
    CHECK_STR(s, "\"\"");
    free(s);
    s = quote_ident("back\\slash 'q' \xc3\xa9");
    CHECK_STR(s, "\"back\\slash 'q' \xc3\xa9\"");
    free(s);

    s = quote_literal("plain");
    CHECK_STR(s, "'plain'");
    free(s);
    s = quote_literal("it's 'x'");
    CHECK_STR(s, "'it''s ''x'''");
    free(s);
    s = quote_literal("");
    CHECK_STR(s, "''");
    free(s);
    s = quote_literal("\"dq\"");
    CHECK_STR(s, "'\"dq\"'");
    free(s);
    /* backslashes: E'' with doubled backslashes; like PQescapeLiteral, the E is
     * preceded by a space so it cannot glue onto a preceding token */
    s = quote_literal("a\\b");
    CHECK_STR(s, " E'a\\\\b'");
    free(s);
    s = quote_literal("it's \\n");
    CHECK_STR(s, " E'it''s \\\\n'");
    free(s);
    s = quote_literal("\\");
    CHECK_STR(s, " E'\\\\'");
    free(s);

    /* the buf forms append */
    struct buf b = BUF_INIT;
    buf_adds(&b, "SELECT ");
    buf_add_ident(&b, "t\"x");
    buf_adds(&b, ", ");
    buf_add_literal(&b, "v'");
    CHECK_STR(b.data, "SELECT \"t\"\"x\", 'v'''");
    buf_release(&b);
}

/* ------------------------------------------------------------------ hash */

static void test_sha256(void)
{
    char out[65];
    memset(out, 'X', sizeof out);
    sha256_hex("hello", 5, out);
    /* Prisma's checksum test vector */
    CHECK_STR(out, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    CHECK_INT(out[64], 0);
    sha256_hex("", 0, out);
    CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("a\0b", 3, out);
    CHECK_STR(out, "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
    sha256_hex("a\nb\n", 4, out);
    CHECK_STR(out, "911169ddaaf146aff539f58c26c489af3b892dff0fe283c1c264c65ae5aa59a2");
    sha256_hex("a\r\nb\r\n", 6, out);
    CHECK_STR(out, "58055bdcc73787eb88c78d36f0b4939e9c5dc1c3ad17e25cc85a6833cf1a0cab");
}

static int is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static void test_uuid_v4(void)
{
    char prev[37] = "";
    for (int round = 0; round < 200; round++) {
        char u[37];
        memset(u, 'X', sizeof u);
        uuid_v4(u);
        CHECK_INT(u[36], 0);
        CHECK_INT(strlen(u), 36);
        int bad = 0;
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                bad += u[i] != '-';
            else
                bad += !is_lower_hex(u[i]);
        }
        CHECK_INT(bad, 0);
        CHECK_INT(u[14], '4');                                               /* version nibble */
        CHECK(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b'); /* variant */
        CHECK(strcmp(u, prev) != 0);
        memcpy(prev, u, sizeof prev);
        if (bad || u[14] != '4') {
            fprintf(stderr, "  (bad uuid %s)\n", u);
            break;
        }
    }
}

/* ------------------------------------------------------------------ pm_err */

/* Locate at the first occurrence of `at` in text (a C string). */
static void locate_at(struct pm_err *e, const char *text, const char *at)
{
    const char *p = strstr(text, at);
    CHECK(p != NULL);
    pm_err_locate(e, "m.sql", text, strlen(text), p ? (size_t)(p - text) : 0);
}

static void test_err_locate_middle(void)
{
    struct pm_err e = PM_ERR_INIT;
    locate_at(&e, "l1\nl2\nl3 \xc3\xa9x\nl4\nl5\nl6\n", "x");
    CHECK_STR(e.file, "m.sql");
    CHECK_INT(e.line, 3);
    CHECK_INT(e.col, 5); /* l 3 space é x: x is the 5th character */
    CHECK_STR(e.src_line, "l3 \xc3\xa9x");
    CHECK_STR(e.src_before, "l1\nl2");
    CHECK_STR(e.src_after, "l4\nl5");
    /* locating again replaces everything */
    locate_at(&e, "only\n", "ly");
    CHECK_INT(e.line, 1);
    CHECK_INT(e.col, 3);
    CHECK_STR(e.src_line, "only");
    CHECK(e.src_before == NULL);
    CHECK(e.src_after == NULL);
    pm_err_release(&e);
    CHECK(e.file == NULL);
    CHECK_INT(e.line, 0);
}

static void test_err_locate_edges(void)
{
    struct pm_err e = PM_ERR_INIT;

    /* at the very start */
    locate_at(&e, "a1\nb2\nc3\nd4\n", "a1");
    CHECK_INT(e.line, 1);
    CHECK_INT(e.col, 1);
    CHECK_STR(e.src_line, "a1");
    CHECK(e.src_before == NULL);
    CHECK_STR(e.src_after, "b2\nc3");

    /* second line: one line before */
    locate_at(&e, "a1\nb2\nc3\n", "b2");
    CHECK_INT(e.line, 2);
    CHECK_STR(e.src_before, "a1");
    CHECK_STR(e.src_after, "c3");

    /* last line without a final newline */
    locate_at(&e, "a\nb\nc", "c");
    CHECK_INT(e.line, 3);
    CHECK_INT(e.col, 1);
    CHECK_STR(e.src_line, "c");
    CHECK_STR(e.src_before, "a\nb");
    CHECK(e.src_after == NULL);

    /* last line with a final newline: nothing after it */
    locate_at(&e, "a\nb\nc;\n", ";");
    CHECK_INT(e.line, 3);
    CHECK_INT(e.col, 2);
    CHECK(e.src_after == NULL);

    /* offset == len after a final newline: the empty line 3 */
    pm_err_locate(&e, "m.sql", "a\nb\n", 4, 4);
    CHECK_INT(e.line, 3);
    CHECK_INT(e.col, 1);
    CHECK_STR(e.src_line, "");
    CHECK_STR(e.src_before, "a\nb");
    CHECK(e.src_after == NULL);

    /* empty file */
    pm_err_locate(&e, "m.sql", "", 0, 0);
    CHECK_INT(e.line, 1);
    CHECK_INT(e.col, 1);
    CHECK_STR(e.src_line, "");
    CHECK(e.src_before == NULL);
    CHECK(e.src_after == NULL);

    /* CRLF: the line is given without its \r */
    locate_at(&e, "a\r\nb x\r\nc\r\n", "x");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 3);
    CHECK_STR(e.src_line, "b x");

    pm_err_release(&e);
}

static void test_err_locate_blank_lines(void)
{
    struct pm_err e = PM_ERR_INIT;

    /* two blank lines before: "\n" is two empty lines */
    locate_at(&e, "\n\nX", "X");
    CHECK_INT(e.line, 3);
    CHECK_STR(e.src_before, "\n");
    /* one blank line at the start of the file before */
    locate_at(&e, "\nX", "X");
    CHECK_INT(e.line, 2);
    CHECK_STR(e.src_before, "");
    /* text, then a blank line, before */
    locate_at(&e, "a\n\nX", "X");
    CHECK_STR(e.src_before, "a\n");
    /* a blank line, then text, before (only two lines are kept) */
    locate_at(&e, "z\n\na\nX", "X");
    CHECK_INT(e.line, 4);
    CHECK_STR(e.src_before, "\na");

    /* a blank line, then text, after */
    locate_at(&e, "X\n\nY\nZ", "X");
    CHECK_STR(e.src_after, "\nY");
    CHECK_STR(e.src_line, "X");
    /* the blank line after the last text line of a file is not shown */
    locate_at(&e, "X\nA\n", "X");
    CHECK_STR(e.src_after, "A");
    pm_err_release(&e);
}

/*
 * Regression test (fixed in 5eac08a): err.h promises "up to two following
 * lines", and src_before keeps blank lines ("a\n" and "\n" above); lines_after()
 * used to drop a blank second following line, and returned NULL when both
 * following lines were blank.
 */
static void test_err_locate_blank_lines_after(void)
{
    struct pm_err e = PM_ERR_INIT;
    /* two following lines, the second blank: "A" and "" */
    locate_at(&e, "X\nA\n\nB", "X");
    CHECK_STR(e.src_after, "A\n");
    /* two blank lines after: "\n", the mirror of src_before for "\n\nX" */
    locate_at(&e, "X\n\n\nY", "X");
    CHECK_STR(e.src_after, "\n");

    pm_err_release(&e);
}

/* ------------------------------------------------------------------ report */

/* report_error_human into a string (caller frees). */
static char *render(const struct pm_err *e)
{
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    CHECK(f != NULL);
    if (!f)
        return xstrdup("");
    report_error_human(f, e);
    fclose(f);
    return text;
}

static void test_report_located(void)
{
    static const char sql[] = "SELECT 1;\n"
                              "\tSELECT '\xc3\xa9' + x;\n"
                              "SELECT 3;\n";
    struct pm_err e = PM_ERR_INIT;
    e.code = "P3018";
    pm_err_set(&e, PM_EXIT_FAIL, "column \"%s\" does not exist", "x");
    memcpy(e.sqlstate, "42703", 6);
    locate_at(&e, sql, "x;");
    CHECK_INT(e.line, 2);
    CHECK_INT(e.col, 15);
    pm_err_detail(&e, "first\nsecond");
    pm_err_hint(&e, "check the name");
    pm_err_note(&e, "nothing was applied");
    pm_err_next(&e, "pgmig migrate resolve --rolled-back m");
    pm_err_next(&e, "pgmig migrate deploy");
    char *out = render(&e);
    /* The caret line keeps the tab, then one space per character: the
     * 13 characters between the tab and x (é is one) */
    CHECK_STR(out, "error[P3018]: column \"x\" does not exist\n"
                   " --> m.sql:2:15\n"
                   "  |\n"
                   "1 | SELECT 1;\n"
                   "2 | \tSELECT '\xc3\xa9' + x;\n"
                   "  | \t             ^\n"
                   "3 | SELECT 3;\n"
                   "  = sqlstate: 42703\n"
                   "  = detail: first\n"
                   "      second\n"
                   "  = hint: check the name\n"
                   "note: nothing was applied\n"
                   "next:\n"
                   "  pgmig migrate resolve --rolled-back m\n"
                   "  pgmig migrate deploy\n");
    free(out);
    pm_err_release(&e);
}

static void test_report_gutter_width(void)
{
    /* error on line 9 with lines 10 and 11 after it: a 2-digit gutter */
    static const char sql[] = "1\n2\n3\n4\n5\n6\n7\n8\n  \xe2\x82\xac\xe2\x82\xac bad\nten\n"
                              "eleven\ntwelve\n";
    struct pm_err e = PM_ERR_INIT;
    pm_err_set(&e, PM_EXIT_FAIL, "syntax error at or near \"bad\"");
    locate_at(&e, sql, "bad");
    CHECK_INT(e.line, 9);
    CHECK_INT(e.col, 6);
    char *out = render(&e);
    CHECK_STR(out, "error: syntax error at or near \"bad\"\n"
                   "  --> m.sql:9:6\n"
                   "   |\n"
                   " 7 | 7\n"
                   " 8 | 8\n"
                   " 9 |   \xe2\x82\xac\xe2\x82\xac bad\n"
                   "   |      ^\n"
                   "10 | ten\n"
                   "11 | eleven\n");
    free(out);
    pm_err_release(&e);
}

static void test_report_crlf_and_start(void)
{
    /* at the start of a CRLF file: no \r reaches the output, caret in column 1 */
    static const char sql[] = "BEGIN;\r\nCREATE TABLE a ();\r\n";
    struct pm_err e = PM_ERR_INIT;
    pm_err_set(&e, PM_EXIT_FAIL, "this BEGIN has no matching COMMIT or ROLLBACK");
    locate_at(&e, sql, "BEGIN");
    pm_err_next(&e, "pgmig migrate deploy");
    char *out = render(&e);
    CHECK_STR(out, "error: this BEGIN has no matching COMMIT or ROLLBACK\n"
                   " --> m.sql:1:1\n"
                   "  |\n"
                   "1 | BEGIN;\n"
                   "  | ^\n"
                   "2 | CREATE TABLE a ();\n"
                   "next: pgmig migrate deploy\n");
    CHECK(strchr(out, '\r') == NULL);
    free(out);
    pm_err_release(&e);
}

static void test_report_unlocated(void)
{
    struct pm_err e = PM_ERR_INIT;
    char *out = render(&e);
    CHECK_STR(out, "error: unknown error\n");
    free(out);

    /* a file without a line: just the path */
    e.code = "P3015";
    pm_err_set(&e, PM_EXIT_ENV, "migration m has no migration.sql");
    e.file = xstrdup("prisma/migrations/m");
    out = render(&e);
    CHECK_STR(out, "error[P3015]: migration m has no migration.sql\n"
                   " --> prisma/migrations/m\n");
    free(out);
    pm_err_release(&e);
}

int main(void)
{
    RUN(test_buf_init_empty);
    RUN(test_buf_growth);
    RUN(test_buf_addf);
    RUN(test_buf_detach);
    RUN(test_buf_truncate);
    RUN(test_buf_embedded_nul);
    RUN(test_json_nesting);
    RUN(test_json_escaping);
    RUN(test_srcpos_multibyte);
    RUN(test_srcpos_crlf_and_end);
    RUN(test_srcpos_advance);
    RUN(test_utf8_valid);
    RUN(test_quote);
    RUN(test_sha256);
    RUN(test_uuid_v4);
    RUN(test_err_locate_middle);
    RUN(test_err_locate_edges);
    RUN(test_err_locate_blank_lines);
    RUN(test_err_locate_blank_lines_after);
    RUN(test_report_located);
    RUN(test_report_gutter_width);
    RUN(test_report_crlf_and_start);
    RUN(test_report_unlocated);
    UNIT_DONE();
}
