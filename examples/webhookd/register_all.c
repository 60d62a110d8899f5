/* register_all.c: written by lexc stubs 0.1.0. Do not edit: lexc stubs rewrites it when methods are
 * added. */
#include "handlers.h"

lexc_status register_all(lexc_server *server, void *user, lexc_error *err)
{
	lexc_status st = LEXC_OK;
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_bindWebhookSecret__register(
		        server, dev_lexc_webhookd_bindWebhookSecret__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_getWebhookSecret__register(
		        server, dev_lexc_webhookd_getWebhookSecret__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_getWebhookState__register(
		        server, dev_lexc_webhookd_getWebhookState__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_listAttempts__register(
		        server, dev_lexc_webhookd_listAttempts__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_publishEvent__register(
		        server, dev_lexc_webhookd_publishEvent__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_publishEvents__register(
		        server, dev_lexc_webhookd_publishEvents__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_redeliver__register(
		        server, dev_lexc_webhookd_redeliver__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_rotateSecret__register(
		        server, dev_lexc_webhookd_rotateSecret__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_rotateWebhookSecret__register(
		        server, dev_lexc_webhookd_rotateWebhookSecret__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_sendTestPing__register(
		        server, dev_lexc_webhookd_sendTestPing__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_setWebhookFormat__register(
		        server, dev_lexc_webhookd_setWebhookFormat__handle, user, err);
	if (st == LEXC_OK)
		st = dev_lexc_webhookd_setWebhookStatus__register(
		        server, dev_lexc_webhookd_setWebhookStatus__handle, user, err);
	if (st == LEXC_OK)
		st = place_stream_server_createWebhook__register(
		        server, place_stream_server_createWebhook__handle, user, err);
	if (st == LEXC_OK)
		st = place_stream_server_deleteWebhook__register(
		        server, place_stream_server_deleteWebhook__handle, user, err);
	if (st == LEXC_OK)
		st = place_stream_server_getWebhook__register(
		        server, place_stream_server_getWebhook__handle, user, err);
	if (st == LEXC_OK)
		st = place_stream_server_listWebhooks__register(
		        server, place_stream_server_listWebhooks__handle, user, err);
	if (st == LEXC_OK)
		st = place_stream_server_updateWebhook__register(
		        server, place_stream_server_updateWebhook__handle, user, err);
	if (st == LEXC_OK)
		st = place_wisp_v2_secret_create__register(
		        server, place_wisp_v2_secret_create__handle, user, err);
	if (st == LEXC_OK)
		st = place_wisp_v2_secret_delete__register(
		        server, place_wisp_v2_secret_delete__handle, user, err);
	if (st == LEXC_OK)
		st = place_wisp_v2_secret_list__register(server, place_wisp_v2_secret_list__handle,
		                                         user, err);
	if (st == LEXC_OK)
		st = place_wisp_v2_secret_rotate__register(
		        server, place_wisp_v2_secret_rotate__handle, user, err);
	return st;
}
