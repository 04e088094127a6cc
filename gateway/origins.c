/* Allowed WebSocket Origins (see origins.h). The machine's names come from gethostname() and
 * getifaddrs(); nothing here resolves names over the network. */
#include "gateway/origins.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* Appends scheme://host:port (host bracketed when it is an IPv6 literal) unless it is already
 * on the list or would not fit. Returns 1 when added. */
static int origins__add(char *out, size_t cap, const char *scheme, const char *host, int port) {
  char one[320];
  bool v6 = strchr(host, ':') != NULL;
  int n = snprintf(one, sizeof one, "%s://%s%s%s:%d", scheme, v6 ? "[" : "", host, v6 ? "]" : "", port);
  if (n < 0 || (size_t)n >= sizeof one || origins_allowed(out, one)) return 0;
  size_t used = strlen(out);
  if (used + (used ? 1 : 0) + (size_t)n + 1 > cap) return 0;
  snprintf(out + used, cap - used, "%s%s", used ? "," : "", one);
  return 1;
}

static bool origins__is_loopback(const char *host) {
  return strcmp(host, "::1") == 0 || strncmp(host, "127.", 4) == 0 || strcasecmp(host, "localhost") == 0;
}

int origins_default(char *out, size_t cap, const char *scheme, const char *host, int port) {
  if (!cap) return 0;
  out[0] = '\0';
  bool any4 = strcmp(host, "0.0.0.0") == 0, any6 = strcmp(host, "::") == 0 || host[0] == '\0';
  bool wildcard = any4 || any6; /* a "::" socket takes IPv4 too (dual stack) */
  bool local_name = strcasecmp(host, "localhost") == 0;
  int count = 0;
  if (!wildcard) count += origins__add(out, cap, scheme, host, port);
  if (wildcard || origins__is_loopback(host)) {
    count += origins__add(out, cap, scheme, "localhost", port);
    if (wildcard || local_name || !strchr(host, ':'))
      count += origins__add(out, cap, scheme, "127.0.0.1", port);
    if (any6 || local_name || strchr(host, ':')) count += origins__add(out, cap, scheme, "::1", port);
  }
  if (origins__is_loopback(host)) return count; /* reachable from this machine only */
  char name[256];
  if (gethostname(name, sizeof name) == 0 && (name[sizeof name - 1] = '\0', name[0]))
    count += origins__add(out, cap, scheme, name, port);
  if (!wildcard) return count;
  struct ifaddrs *ifs = NULL;
  if (getifaddrs(&ifs) != 0) return count;
  for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    char text[INET6_ADDRSTRLEN] = "";
    int fam = i->ifa_addr->sa_family;
    if (fam == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr, text, sizeof text);
    else if (fam == AF_INET6 && any6) {
      const struct in6_addr *a = &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
      if (IN6_IS_ADDR_LINKLOCAL(a)) continue; /* a browser needs a zone id for these */
      inet_ntop(AF_INET6, a, text, sizeof text);
    }
    if (text[0]) count += origins__add(out, cap, scheme, text, port);
  }
  freeifaddrs(ifs);
  return count;
}

bool origins_allowed(const char *list, const char *origin) {
  size_t n = strlen(origin);
  for (const char *p = list; *p;) {
    const char *comma = strchr(p, ',');
    size_t len = comma ? (size_t)(comma - p) : strlen(p);
    while (len && *p == ' ') p++, len--;
    while (len && p[len - 1] == ' ') len--;
    if (len == n && strncasecmp(p, origin, n) == 0) return true;
    if (!comma) break;
    p = comma + 1;
  }
  return false;
}

void origins_base_for(const char *list, const char *scheme, const char *host, char *out, size_t cap) {
  if (!cap) return;
  out[0] = '\0';
  if (host && host[0] && strlen(scheme) + strlen(host) + 4 <= cap) {
    snprintf(out, cap, "%s://%s", scheme, host);
    if (origins_allowed(list, out)) return;
  }
  while (*list == ' ') list++;
  size_t n = strcspn(list, ",");
  while (n && list[n - 1] == ' ') n--;
  if (n >= cap) n = 0;
  memcpy(out, list, n);
  out[n] = '\0';
}
