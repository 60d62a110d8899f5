/* handlers.h: written by lexc stubs 0.1.0: the handler of every query and procedure, one per file
 * in handlers/. Do not edit: lexc stubs rewrites it when methods are added. */
#ifndef LEXC_STUBS_HANDLERS_H
#define LEXC_STUBS_HANDLERS_H

#include <lexc/lexc.h>
#include <lexc/server.h>

#include "lexc_methods.h"
#include "dev/lexc/webhookd/bindWebhookSecret.h"
#include "dev/lexc/webhookd/getWebhookSecret.h"
#include "dev/lexc/webhookd/getWebhookState.h"
#include "dev/lexc/webhookd/listAttempts.h"
#include "dev/lexc/webhookd/publishEvent.h"
#include "dev/lexc/webhookd/publishEvents.h"
#include "dev/lexc/webhookd/redeliver.h"
#include "dev/lexc/webhookd/rotateSecret.h"
#include "dev/lexc/webhookd/rotateWebhookSecret.h"
#include "dev/lexc/webhookd/sendTestPing.h"
#include "dev/lexc/webhookd/setWebhookFormat.h"
#include "dev/lexc/webhookd/setWebhookStatus.h"
#include "place/stream/server/createWebhook.h"
#include "place/stream/server/deleteWebhook.h"
#include "place/stream/server/getWebhook.h"
#include "place/stream/server/listWebhooks.h"
#include "place/stream/server/updateWebhook.h"
#include "place/wisp/v2/secret/create.h"
#include "place/wisp/v2/secret/delete.h"
#include "place/wisp/v2/secret/list.h"
#include "place/wisp/v2/secret/rotate.h"

lexc_status
dev_lexc_webhookd_bindWebhookSecret__handle(lexc_call *call,
                                            const dev_lexc_webhookd_bindWebhookSecret__input *input,
                                            dev_lexc_webhookd_bindWebhookSecret__output *output);
lexc_status
dev_lexc_webhookd_getWebhookSecret__handle(lexc_call *call,
                                           const dev_lexc_webhookd_getWebhookSecret__params *params,
                                           dev_lexc_webhookd_getWebhookSecret__output *output);
lexc_status
dev_lexc_webhookd_getWebhookState__handle(lexc_call *call,
                                          const dev_lexc_webhookd_getWebhookState__params *params,
                                          dev_lexc_webhookd_getWebhookState__output *output);
lexc_status
dev_lexc_webhookd_listAttempts__handle(lexc_call *call,
                                       const dev_lexc_webhookd_listAttempts__params *params,
                                       dev_lexc_webhookd_listAttempts__output *output);
lexc_status
dev_lexc_webhookd_publishEvent__handle(lexc_call *call,
                                       const dev_lexc_webhookd_publishEvent__input *input,
                                       dev_lexc_webhookd_publishEvent__output *output);
lexc_status
dev_lexc_webhookd_publishEvents__handle(lexc_call *call,
                                        const dev_lexc_webhookd_publishEvents__input *input,
                                        dev_lexc_webhookd_publishEvents__output *output);
lexc_status dev_lexc_webhookd_redeliver__handle(lexc_call *call,
                                                const dev_lexc_webhookd_redeliver__input *input,
                                                dev_lexc_webhookd_redeliver__output *output);
lexc_status
dev_lexc_webhookd_rotateSecret__handle(lexc_call *call,
                                       const dev_lexc_webhookd_rotateSecret__input *input,
                                       dev_lexc_webhookd_rotateSecret__output *output);
lexc_status dev_lexc_webhookd_rotateWebhookSecret__handle(
        lexc_call *call, const dev_lexc_webhookd_rotateWebhookSecret__input *input,
        dev_lexc_webhookd_rotateWebhookSecret__output *output);
lexc_status
dev_lexc_webhookd_sendTestPing__handle(lexc_call *call,
                                       const dev_lexc_webhookd_sendTestPing__input *input,
                                       dev_lexc_webhookd_sendTestPing__output *output);
lexc_status
dev_lexc_webhookd_setWebhookFormat__handle(lexc_call *call,
                                           const dev_lexc_webhookd_setWebhookFormat__input *input,
                                           dev_lexc_webhookd_setWebhookFormat__output *output);
lexc_status
dev_lexc_webhookd_setWebhookStatus__handle(lexc_call *call,
                                           const dev_lexc_webhookd_setWebhookStatus__input *input,
                                           dev_lexc_webhookd_setWebhookStatus__output *output);
lexc_status
place_stream_server_createWebhook__handle(lexc_call *call,
                                          const place_stream_server_createWebhook__input *input,
                                          place_stream_server_createWebhook__output *output);
lexc_status
place_stream_server_deleteWebhook__handle(lexc_call *call,
                                          const place_stream_server_deleteWebhook__input *input,
                                          place_stream_server_deleteWebhook__output *output);
lexc_status
place_stream_server_getWebhook__handle(lexc_call *call,
                                       const place_stream_server_getWebhook__params *params,
                                       place_stream_server_getWebhook__output *output);
lexc_status
place_stream_server_listWebhooks__handle(lexc_call *call,
                                         const place_stream_server_listWebhooks__params *params,
                                         place_stream_server_listWebhooks__output *output);
lexc_status
place_stream_server_updateWebhook__handle(lexc_call *call,
                                          const place_stream_server_updateWebhook__input *input,
                                          place_stream_server_updateWebhook__output *output);
lexc_status place_wisp_v2_secret_create__handle(lexc_call *call,
                                                const place_wisp_v2_secret_create__input *input,
                                                place_wisp_v2_secret_create__output *output);
lexc_status place_wisp_v2_secret_delete__handle(lexc_call *call,
                                                const place_wisp_v2_secret_delete__input *input);
lexc_status place_wisp_v2_secret_list__handle(lexc_call *call,
                                              place_wisp_v2_secret_list__output *output);
lexc_status place_wisp_v2_secret_rotate__handle(lexc_call *call,
                                                const place_wisp_v2_secret_rotate__input *input,
                                                place_wisp_v2_secret_rotate__output *output);

/* Registers every handler above with `server`; each gets `user` from lexc_call_user().
 * Stops at the first failure, which `err` (may be NULL) describes. */
lexc_status register_all(lexc_server *server, void *user, lexc_error *err);

#endif /* LEXC_STUBS_HANDLERS_H */
