/*
 * unit.h - a minimal unit-test harness. Each test file defines test functions
 * and lists them in main() via RUN(name). CHECK failures print file:line and
 * the failing expression; the program prints "N passed, N failed" and exits
 * non-zero when anything failed.
 */
#ifndef PGMIG_TESTS_UNIT_H
#define PGMIG_TESTS_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed_checks_;
static int unit_passed_, unit_failed_;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            unit_failed_checks_++;                                                                 \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %lld, expected %lld\n", __FILE__,      \
                    __LINE__, #a, a_, b_);                                                         \
            unit_failed_checks_++;                                                                 \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s\n  got:      %s%s%s\n  expected: %s%s%s\n", \
                    __FILE__, __LINE__, #a, a_ ? "\"" : "", a_ ? a_ : "NULL", a_ ? "\"" : "",      \
                    b_ ? "\"" : "", b_ ? b_ : "NULL", b_ ? "\"" : "");                             \
            unit_failed_checks_++;                                                                 \
        }                                                                                          \
    } while (0)

#define RUN(fn)                                                                                    \
    do {                                                                                           \
        int before_ = unit_failed_checks_;                                                         \
        fn();                                                                                      \
        if (unit_failed_checks_ == before_) {                                                      \
            unit_passed_++;                                                                        \
        } else {                                                                                   \
            unit_failed_++;                                                                        \
            fprintf(stderr, "FAIL %s\n", #fn);                                                     \
        }                                                                                          \
    } while (0)

#define UNIT_DONE()                                                                                \
    do {                                                                                           \
        printf("%d passed, %d failed\n", unit_passed_, unit_failed_);                              \
        return unit_failed_ ? 1 : 0;                                                               \
    } while (0)

#endif
