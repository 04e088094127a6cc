/* AES-128-GCM keyed once, for SRTP and SRTCP's AEAD_AES_128_GCM (RFC 7714): seal and open one
 * packet in place with a 12-byte IV, contiguous AAD and a 16-byte tag. Implemented on Intel's
 * Multi-Buffer Crypto for IPsec library (Debian's libipsec-mb; why not OpenSSL is said in
 * srtp_gcm.c, with figures). A key is read-only after srtp_gcm_new, so one key may be used from
 * any thread; srtp.c keeps one per direction and kind (RTP, RTCP) of a pair. */
#ifndef MOA_GATEWAY_RTC_SRTP_GCM_H
#define MOA_GATEWAY_RTC_SRTP_GCM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRTP_GCM_IV_LEN 12
#define SRTP_GCM_TAG_LEN 16

typedef struct srtp_gcm srtp_gcm;

/* Sets the library up (once per process; later calls return at once). Returns 0, or -1 when
 * its manager could not be allocated. srtp_gcm_new calls it too. */
int srtp_gcm_global_init(void);

/* The AES key schedule and the GHASH key powers of a 16-byte key. NULL when out of memory. */
srtp_gcm *srtp_gcm_new(const uint8_t key[16]);
/* Wipes the key material and frees it. NULL is fine. */
void srtp_gcm_free(srtp_gcm *g);

/* Encrypts p[0..n) in place, authenticating aad[0..aad_len) with it, and writes the tag. */
void srtp_gcm_seal(const srtp_gcm *g, const uint8_t iv[SRTP_GCM_IV_LEN], const uint8_t *aad, size_t aad_len,
                   uint8_t *p, size_t n, uint8_t tag[SRTP_GCM_TAG_LEN]);
/* Decrypts p[0..n) in place and checks tag (in constant time). False: the tag is wrong (p then
 * holds garbage; the caller drops the packet). */
bool srtp_gcm_open(const srtp_gcm *g, const uint8_t iv[SRTP_GCM_IV_LEN], const uint8_t *aad, size_t aad_len,
                   uint8_t *p, size_t n, const uint8_t tag[SRTP_GCM_TAG_LEN]);

/* Cache hint: loads the key schedule and the key powers a packet of about 1,200 bytes uses. */
void srtp_gcm_prefetch(const srtp_gcm *g);

#endif
