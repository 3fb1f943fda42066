/* MurmurHash3_x86_32, after Austin Appleby's public-domain reference (smhasher,
 * MurmurHash3.cpp): 4-byte little-endian blocks mixed with c1, c2, the 1..3-byte tail, then
 * the length and fmix32. scikit-learn's murmurhash3_32 and HashingVectorizer use it with
 * seed 0 on a term's UTF-8 bytes, read as a signed 32-bit number. */
#include "text_impl.h"

static uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

int32_t st_text_murmur3_32(const void *data, size_t len, uint32_t seed)
{
    const unsigned char *p = data;
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    uint32_t h = seed;
    size_t nblocks = len / 4;
    for (size_t i = 0; i < nblocks; i++) {
        uint32_t k = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
                     (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64u;
    }
    const unsigned char *tail = p + 4 * nblocks;
    uint32_t k = 0;
    switch (len & 3) {
    case 3:
        k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2:
        k ^= (uint32_t)tail[1] << 8; /* fall through */
    case 1:
        k ^= tail[0];
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
    }
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return (int32_t)h;
}

uint32_t st__text_bucket(const char *s, size_t len, int bits, int *sign)
{
    int32_t h = st_text_murmur3_32(s, len, 0);
    *sign = h >= 0 ? 1 : -1;
    /* |h| mod 2^bits, with |INT32_MIN| = 2^31 (which is 0 mod 2^bits, as scikit-learn) */
    uint64_t mag = h < 0 ? (uint64_t)(-(int64_t)h) : (uint64_t)h;
    return (uint32_t)(mag & ((1ull << bits) - 1));
}
