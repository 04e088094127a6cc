/* AES-128-GCM for SRTP (see srtp_gcm.h) on Intel's Multi-Buffer Crypto for IPsec library.
 *
 * Why not OpenSSL here. srtp.c moved SRTP off libsrtp2 onto OpenSSL EVP (issue 13), and GCM
 * there costs ~430 ns per 1,200-byte packet on this machine (AMD EPYC with VAES and
 * VPCLMULQDQ): Debian 12's OpenSSL 3.0 has no VAES code for GCM (its AES-NI/PCLMUL code runs at
 * ~0.24 ns/byte, 290 ns for the payload), and each packet's EVP_CipherInit_ex / Update /
 * Final / GET_TAG adds ~140 ns of parameter lookups by name (EVP_CIPHER_CTX_get_iv_length,
 * OSSL_PARAM_locate, strcmp), which perf showed per forwarded packet. libipsec-mb (Intel's
 * library behind DPDK's and the Linux IPsec gateways' GCM, a Debian package) picks its code
 * for the CPU at start (SSE, AVX, AVX2, AVX512 with VAES) and seals a 1,200-byte packet in one
 * call: measured on the same machine, 200 keys in turn, thread CPU time, 400,000 packets:
 *   OpenSSL EVP (the sequence srtp.c used)   ~430 ns   (444 ns with 200 keys in turn)
 *   libipsec-mb 1.3, IMB_AES128_GCM_ENC       ~95 ns   (106 ns with 200 keys in turn)
 * (bench_srtp prints the whole protect/unprotect per run; docs/BENCHMARKS.md has the runs). At
 * 200 subscribers that is ~0.33 us less CPU per forwarded packet, about a tenth of all of it.
 * The cryptography is the library's; this file only keys it and frames the calls. It is proven
 * by the RFC 7714 vectors (test_srtp_vectors) and packet for packet, both ways, against
 * libsrtp2 (test_srtp_libsrtp), like the rest of srtp.c.
 *
 * The manager: the direct GCM functions of an IMB_MGR are chosen by init_mb_mgr_auto and touch
 * only the key and the per-call context passed in (errors go to a thread-local errno), so one
 * manager serves every thread. The key data is aligned to 64 bytes as the library's own build
 * declares it (the header aligns it only when LINUX is defined). The per-call context (on the
 * stack) holds this packet's counter and hash state, no key: it is not wiped, as OpenSSL's
 * context is not between packets either. */
#include "gateway/rtc/srtp_gcm.h"

#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>

struct srtp_gcm {
  struct gcm_key_data k;
};

#define SRTP_GCM__ALIGN 64

static IMB_MGR *srtp_gcm__mgr;
static pthread_once_t srtp_gcm__once = PTHREAD_ONCE_INIT;

static void srtp_gcm__init_once(void) {
  IMB_MGR *m = alloc_mb_mgr(0);
  if (m == NULL) return;
  init_mb_mgr_auto(m, NULL);
  if (imb_get_errno(m) != 0) {
    free_mb_mgr(m);
    return;
  }
  srtp_gcm__mgr = m;
}

int srtp_gcm_global_init(void) {
  pthread_once(&srtp_gcm__once, srtp_gcm__init_once);
  return srtp_gcm__mgr != NULL ? 0 : -1;
}

srtp_gcm *srtp_gcm_new(const uint8_t key[16]) {
  if (srtp_gcm_global_init() != 0) return NULL;
  size_t size = (sizeof(srtp_gcm) + SRTP_GCM__ALIGN - 1) / SRTP_GCM__ALIGN * SRTP_GCM__ALIGN;
  srtp_gcm *g = aligned_alloc(SRTP_GCM__ALIGN, size);
  if (g == NULL) return NULL;
  IMB_AES128_GCM_PRE(srtp_gcm__mgr, key, &g->k);
  return g;
}

void srtp_gcm_free(srtp_gcm *g) {
  if (g == NULL) return;
  OPENSSL_cleanse(g, sizeof *g);
  free(g);
}

void srtp_gcm_seal(const srtp_gcm *g, const uint8_t iv[SRTP_GCM_IV_LEN], const uint8_t *aad, size_t aad_len,
                   uint8_t *p, size_t n, uint8_t tag[SRTP_GCM_TAG_LEN]) {
  _Alignas(SRTP_GCM__ALIGN) struct gcm_context_data ctx;
  IMB_AES128_GCM_ENC(srtp_gcm__mgr, &g->k, &ctx, p, p, n, iv, aad, aad_len, tag, SRTP_GCM_TAG_LEN);
}

bool srtp_gcm_open(const srtp_gcm *g, const uint8_t iv[SRTP_GCM_IV_LEN], const uint8_t *aad, size_t aad_len,
                   uint8_t *p, size_t n, const uint8_t tag[SRTP_GCM_TAG_LEN]) {
  _Alignas(SRTP_GCM__ALIGN) struct gcm_context_data ctx;
  uint8_t computed[SRTP_GCM_TAG_LEN];
  IMB_AES128_GCM_DEC(srtp_gcm__mgr, &g->k, &ctx, p, p, n, iv, aad, aad_len, computed, SRTP_GCM_TAG_LEN);
  return CRYPTO_memcmp(computed, tag, SRTP_GCM_TAG_LEN) == 0;
}

void srtp_gcm_prefetch(const srtp_gcm *g) {
  if (g == NULL) return;
  for (size_t off = 0; off < sizeof *g; off += 64) __builtin_prefetch((const char *)g + off);
}
