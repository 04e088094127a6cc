/* The confirmation mail of a company sign-up (see signup_mail.h). */
#include "signaling/signup_mail.h"

#include <stdio.h>
#include <stdlib.h>

#include "signaling/mail_message.h"
#include "storage/seoul_time.h"

void signup_mail_link(const signup_mail_options *o, const char *token, char *out, size_t outlen) {
  snprintf(out, outlen, "%s/#/signup/confirm/%s", o->public_url, token);
}

#define SUBJECT "[모아] 기업 회원 가입을 확인해 주세요 · Confirm your company sign-up"

char *signup_mail_build(const signup_mail_options *o, const signup_rec *r, const char *token,
                        int64_t expires_at, int64_t now, const char *message_id, size_t *len) {
  char link[700], until[32], bizno[16];
  signup_mail_link(o, token, link, sizeof link);
  seoul_format_human(expires_at, until, sizeof until);
  snprintf(bizno, sizeof bizno, "%.3s-%.2s-%.5s", r->bizno, r->bizno + 3, r->bizno + 5);
  char ko[2048], en[2048];
  snprintf(ko, sizeof ko,
           "%s님, 안녕하세요.\n\n"
           "모아(Moa)에 %s (사업자등록번호 %s)의 기업 회원 가입을 신청하셨습니다.\n"
           "아래 링크를 열어 이메일 주소를 확인하면 가입이 끝납니다. 이 링크는 %s(한국 시간)까지 "
           "한 번만 쓸 수 있습니다.\n\n%s\n\n"
           "가입을 신청하지 않으셨다면 이 메일을 무시해 주세요. 아무것도 만들어지지 않습니다.\n",
           r->name, r->company, bizno, until, link);
  snprintf(en, sizeof en,
           "Hello %s,\n\n"
           "You asked to sign up %s (business registration number %s) to Moa.\n"
           "Open the link below to confirm your e-mail address and finish signing up. The link works "
           "once, until %s (Korea time).\n\n%s\n\n"
           "If you did not ask for this, ignore this mail: nothing is created.\n",
           r->name, r->company, bizno, until, link);
  size_t n = sizeof ko + sizeof en + 64;
  char *body = malloc(n);
  if (!body) return NULL;
  snprintf(body, n, "%s\n----\n\n%s", r->lang[0] == 'e' ? en : ko, r->lang[0] == 'e' ? ko : en);
  mail_fields m = {.from = o->from,
                   .from_name = "모아 Moa",
                   .to = r->email,
                   .subject = SUBJECT,
                   .body = body,
                   .date = now,
                   .message_id = message_id};
  char *msg = mail_compose(&m, len);
  free(body);
  return msg;
}
