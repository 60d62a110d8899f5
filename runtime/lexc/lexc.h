/* lexc/lexc.h: the whole liblexc API in one include. */
#ifndef LEXC_LEXC_H
#define LEXC_LEXC_H

#include <lexc/version.h>
#include <lexc/arena.h>
#include <lexc/error.h>
#include <lexc/utf8.h>
#include <lexc/format.h>
#include <lexc/base64.h>
#include <lexc/json.h>
#include <lexc/type.h>
#include <lexc/codec.h>
#include <lexc/str.h>
#include <lexc/server.h>

#endif /* LEXC_LEXC_H */
