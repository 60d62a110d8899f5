/* The runtime's version, for programs that check the library they loaded. */
#include "config.h"

#include <lexc/version.h>

const char *lexc_version(void)
{
	return LEXC_VERSION_STRING;
}
