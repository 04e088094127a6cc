/* The hub's options (signaling/hub.h) from the server's command line (gateway/config.h): the part
 * of moa_config the signaling layer uses, copied into the structs it owns (hub_options,
 * ice_servers_options, signup_mail_options). The services below the gateway that the hub calls
 * (sending mail, finalizing recordings) are gateway/main.c's to add. */
#ifndef MOA_GATEWAY_HUB_OPTIONS_H
#define MOA_GATEWAY_HUB_OPTIONS_H

#include "gateway/config.h"
#include "signaling/hub.h"

/* Fills *o from c: every option field, each string whole (the buffers are as large as
 * moa_config's); signup.send, signup.send_ctx and rec_finalize are left NULL. */
void hub_options_from_config(const moa_config *c, hub_options *o);

#endif
