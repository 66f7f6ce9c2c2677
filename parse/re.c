#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/error.h"
#include "parse/re.h"

int oomsift_re_compile(oomsift_re *re, const char *pattern)
{
	int err;
	PCRE2_SIZE off;

	memset(re, 0, sizeof(*re));
	re->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
	if (!re->code) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(err, msg, sizeof(msg));
		return oomsift_error_set(OOMSIFT_EINVAL, "bad pattern at offset %zu: %s",
		                         (size_t)off, (char *)msg);
	}
	/* JIT is an optimisation: a platform without it still matches. */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	re->md = pcre2_match_data_create_from_pattern(re->code, NULL);
	if (!re->md) {
		pcre2_code_free(re->code);
		re->code = NULL;
		return oomsift_error_set(OOMSIFT_ENOMEM, "out of memory");
	}
	return 0;
}

void oomsift_re_free(oomsift_re *re)
{
	pcre2_match_data_free(re->md);
	pcre2_code_free(re->code);
	memset(re, 0, sizeof(*re));
}

bool oomsift_re_match(oomsift_re *re, const char *s, size_t len, oomsift_span *groups, int ngroups)
{
	int rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, re->md, NULL);
	PCRE2_SIZE *ov;

	if (rc < 0)
		return false;
	ov = pcre2_get_ovector_pointer(re->md);
	for (int i = 0; i < ngroups; i++) {
		if (i < rc && ov[2 * i] != PCRE2_UNSET) {
			groups[i].ptr = s + ov[2 * i];
			groups[i].len = ov[2 * i + 1] - ov[2 * i];
		} else {
			groups[i].ptr = NULL;
			groups[i].len = 0;
		}
	}
	return true;
}

bool oomsift_span_i64(oomsift_span sp, int64_t *out)
{
	char tmp[32];
	char *end;
	long long v;

	if (!sp.ptr || sp.len == 0 || sp.len >= sizeof(tmp))
		return false;
	/* Up to 18 digits, with no sign but '-', cannot overflow: read here, as
	 * strtoll would (most spans are such). */
	if (sp.len <= 18) {
		size_t i = sp.ptr[0] == '-';
		int64_t digits = 0;
		while (i < sp.len && sp.ptr[i] >= '0' && sp.ptr[i] <= '9')
			digits = digits * 10 + (sp.ptr[i++] - '0');
		if (i == sp.len && i > (size_t)(sp.ptr[0] == '-')) {
			*out = sp.ptr[0] == '-' ? -digits : digits;
			return true;
		}
	}
	memcpy(tmp, sp.ptr, sp.len);
	tmp[sp.len] = '\0';
	errno = 0;
	v = strtoll(tmp, &end, 10);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int oomsift_re_group(const oomsift_re *re, const char *name)
{
	int n = pcre2_substring_number_from_name(re->code, (PCRE2_SPTR)name);

	return n > 0 ? n : -1;
}
