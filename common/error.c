#include <stdarg.h>
#include <stdio.h>

#include "oomsift/error.h"

static _Thread_local char error_message[1024];

int oomsift_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error_message, sizeof(error_message), fmt, ap);
	va_end(ap);
	return code;
}

const char *oomsift_error_message(void)
{
	return error_message;
}
