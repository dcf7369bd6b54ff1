/*
 * hash.h - SHA-256 and random UUIDs through OpenSSL's libcrypto.
 */
#ifndef PGMIG_UTIL_HASH_H
#define PGMIG_UTIL_HASH_H

#include <stddef.h>

/* Lowercase hex SHA-256 of data[0..len) into out (65 bytes incl. NUL). */
void sha256_hex(const void *data, size_t len, char out[65]);
/* A random lowercase hyphenated UUID v4 into out (37 bytes incl. NUL). */
void uuid_v4(char out[37]);

#endif
