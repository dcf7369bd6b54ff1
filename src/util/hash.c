/*
 * hash.c - SHA-256 (EVP) and UUID v4 (RAND_bytes) via libcrypto.
 */
#include "util/hash.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char md[32];
    unsigned int mdlen = 0;
    if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32) {
        fputs("pgmig: libcrypto SHA-256 failed\n", stderr);
        abort();
    }
    to_hex(md, 32, out);
}

void uuid_v4(char out[37])
{
    unsigned char r[16];
    char hex[33];
    if (RAND_bytes(r, sizeof r) != 1) {
        fputs("pgmig: libcrypto could not produce random bytes\n", stderr);
        abort();
    }
    r[6] = (unsigned char)((r[6] & 0x0F) | 0x40); /* version 4 */
    r[8] = (unsigned char)((r[8] & 0x3F) | 0x80); /* RFC 4122 variant */
    to_hex(r, 16, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}
