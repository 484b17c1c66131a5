// 16-byte classifiers for the request parser's hot loops (ProntoHTTP), as static inline
// functions: Swift imports them through clang and LLVM inlines them into the parser, so each
// is a handful of SSE2 instructions and one pmovmskb. Swift's portable SIMD types cannot
// express the byte mask (their comparisons are lowered lane by lane today), which is why
// this small header exists. Each returns a 16-bit mask: bit k is set when byte k of the
// 16 bytes at `p` is in the class. `p` must be valid for reads of 16 bytes (any alignment).
// Without SSE2 (other architectures) the same masks are computed a byte at a time.
#ifndef C_PRONTO_SIMD_H
#define C_PRONTO_SIMD_H

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>

/// Bytes that end or break a line: controls other than HTAB (so CR, LF, NUL...) and DEL.
static inline __attribute__((always_inline)) uint32_t pronto_control_mask16(const void *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    // v <= 0x1F (unsigned) exactly when min(v, 0x1F) == v.
    __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
    __m128i tab = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x09));
    __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(_mm_andnot_si128(tab, low), del));
}

/// Letters, digits and '-': the bytes of almost every header name (a subset of tchar).
static inline __attribute__((always_inline)) __m128i pronto_alnum_dash16(__m128i v) {
    // (v | 0x20) - 'a' <= 25 unsigned: a letter of either case.
    __m128i letter = _mm_sub_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    letter = _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(25)), letter);
    __m128i digit = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    digit = _mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit);
    __m128i dash = _mm_cmpeq_epi8(v, _mm_set1_epi8('-'));
    return _mm_or_si128(_mm_or_si128(letter, digit), dash);
}

/// Bytes that are not a letter, a digit or '-'.
static inline __attribute__((always_inline)) uint32_t pronto_not_name_mask16(const void *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    return (~(uint32_t)_mm_movemask_epi8(pronto_alnum_dash16(v))) & 0xFFFFu;
}

/// Bytes that are not a letter, a digit, '-', '.' or ':': the bytes of almost every Host value.
static inline __attribute__((always_inline)) uint32_t pronto_not_host_mask16(const void *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i dot = _mm_cmpeq_epi8(v, _mm_set1_epi8('.'));
    __m128i colon = _mm_cmpeq_epi8(v, _mm_set1_epi8(':'));
    __m128i ok = _mm_or_si128(pronto_alnum_dash16(v), _mm_or_si128(dot, colon));
    return (~(uint32_t)_mm_movemask_epi8(ok)) & 0xFFFFu;
}

#else

static inline int pronto_is_alnum_dash(uint8_t b) {
    uint8_t lower = b | 0x20;
    return (uint8_t)(lower - 'a') <= 25 || (uint8_t)(b - '0') <= 9 || b == '-';
}

static inline uint32_t pronto_control_mask16(const void *p) {
    const uint8_t *b = (const uint8_t *)p;
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if ((b[k] <= 0x1F && b[k] != 0x09) || b[k] == 0x7F) mask |= 1u << k;
    }
    return mask;
}

static inline uint32_t pronto_not_name_mask16(const void *p) {
    const uint8_t *b = (const uint8_t *)p;
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if (!pronto_is_alnum_dash(b[k])) mask |= 1u << k;
    }
    return mask;
}

static inline uint32_t pronto_not_host_mask16(const void *p) {
    const uint8_t *b = (const uint8_t *)p;
    uint32_t mask = 0;
    for (int k = 0; k < 16; k++) {
        if (!(pronto_is_alnum_dash(b[k]) || b[k] == '.' || b[k] == ':')) mask |= 1u << k;
    }
    return mask;
}

#endif
#endif
