#!/bin/sh
# The whole end-to-end server suite (tests/test_server) again with
# handlers_inline, so that both ways of running handlers are held to it.
LEXC_TEST_HANDLERS_INLINE=1 exec ${LEXC_WRAPPER:-} "$LEXC_BUILDDIR/tests/test_server"
