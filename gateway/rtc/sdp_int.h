/* Internals shared by the SDP codec's files (sdp.c, sdp_parse.c, sdp_write.c) and nothing else:
 * the public API is gateway/rtc/sdp.h. */
#ifndef MOA_GATEWAY_RTC_SDP_INT_H
#define MOA_GATEWAY_RTC_SDP_INT_H

#include <stddef.h>

/* Formats a message into err[errlen] (printf-style; nothing is written when err is NULL or
 * errlen is 0) and returns -1, so a failing check reads `return sdp__fail(err, errlen, ...)`. */
int sdp__fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
