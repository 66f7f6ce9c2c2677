/* Unit tests for parse/sniff.c: what a file's head says it is, and --format names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oomsift/error.h"
#include "oomsift/sniff.h"

typedef struct sniff_row {
	const char *name;
	const char *head;
	size_t len; /* 0 = strlen(head) */
	oomsift_format format;
	oomsift_wrapper prefer;
} sniff_row;

#define MONO_LINES                                                                                 \
	"[    0.000000] arch01 kernel: Linux version 6.1.1-arch1-1\n"                              \
	"[    1.206011] arch01 systemd[1]: Started systemd-journald.service.\n"                    \
	"[123456.789012] arch01 kernel: doxygen invoked oom-killer: gfp_mask=0x140dca\n"

static const sniff_row rows[] = {
    {"nothing", "", 0, OOMSIFT_FORMAT_EMPTY, OOMSIFT_WRAP_BARE},
    {"white space", " \n\t\r\n", 0, OOMSIFT_FORMAT_EMPTY, OOMSIFT_WRAP_BARE},
    {"NUL padding only", "\n\0\0\0\0", 5, OOMSIFT_FORMAT_EMPTY, OOMSIFT_WRAP_BARE},
    {"native journal file", "LPKSHHRH\0\0\0\0\x02\0\0\0", 16, OOMSIFT_FORMAT_JOURNAL_FILE,
     OOMSIFT_WRAP_BARE},
    {"journal json", "{\"__CURSOR\":\"s=1\",\"MESSAGE\":\"x\"}\n", 0, OOMSIFT_FORMAT_JOURNAL_JSON,
     OOMSIFT_WRAP_BARE},
    {"journal json-pretty after blank lines", "\n\n{\n\t\"PRIORITY\" : \"6\",\n", 0,
     OOMSIFT_FORMAT_JOURNAL_JSON, OOMSIFT_WRAP_BARE},
    {"journal json-seq", "\x1e{\"MESSAGE\":\"x\"}\n", 0, OOMSIFT_FORMAT_JOURNAL_JSON,
     OOMSIFT_WRAP_BARE},
    {"journal json-sse", "data: {\"MESSAGE\":\"x\"}\n\n", 0, OOMSIFT_FORMAT_JOURNAL_JSON,
     OOMSIFT_WRAP_BARE},
    {"journal export", "__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=1\nMESSAGE=x\n\n", 0,
     OOMSIFT_FORMAT_JOURNAL_EXPORT, OOMSIFT_WRAP_BARE},
    {"journal export without a cursor", "_BOOT_ID=0f3b\nMESSAGE=x\n\n", 0,
     OOMSIFT_FORMAT_JOURNAL_EXPORT, OOMSIFT_WRAP_BARE},
    {"journal export, binary field", "_HOSTNAME=a\nMESSAGE\n\x03\0\0\0\0\0\0\0a\nb\n\n", 29,
     OOMSIFT_FORMAT_JOURNAL_EXPORT, OOMSIFT_WRAP_BARE},
    {"one KEY=value line is text", "FOO=bar\n", 0, OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
    {"ELF",
     "\x7f"
     "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0\x10\x10\0\0",
     28, OOMSIFT_FORMAT_BINARY, OOMSIFT_WRAP_BARE},
    {"UTF-16 text", "a\0b\0c\0\n\0d\0e\0\n\0", 14, OOMSIFT_FORMAT_BINARY, OOMSIFT_WRAP_BARE},
    {"text ending in NUL padding", "[    1.000000] msg\n[    2.000000] msg\n\0\0\0\0\0\0", 44,
     OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
    {"text with latin-1 bytes", "[Di Aug 12 03:54:03 2025] M\xe4rz-Zeit\n", 0, OOMSIFT_FORMAT_TEXT,
     OOMSIFT_WRAP_BARE},
    {"raw dmesg",
     "[    0.000000] Linux version 6.1.1\n[    1.000000] usb 1-4: new device\n"
     "[  123.456789] doxygen invoked oom-killer: gfp_mask=0x140dca\n",
     0, OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
    {"journal short-monotonic", MONO_LINES, 0, OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_MONO},
    {"short-monotonic with a continuation line",
     MONO_LINES "                               active_file:29\n", 0, OOMSIFT_FORMAT_TEXT,
     OOMSIFT_WRAP_JOURNAL_MONO},
    {"one short-monotonic line after a boot separator",
     "-- Boot 0f3b5c1e9d7a4c8e9a1b2c3d4e5f6a7b --\n[    0.000000] arch01 kernel: Linux\n", 0,
     OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_MONO},
    {"short-delta",
     "-- Logs begin at Mon 2023-11-20 10:11:12 UTC. --\n"
     "[  123.456789 <    0.000123 >] web01 kernel: msg\n",
     0, OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_MONO},
    {"two lines of the same shape are not enough",
     "[    1.000000] usb 1-4: new device\n[    1.100000] usb 1-4: New USB device found\n", 0,
     OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
    {"hosts differ: raw dmesg",
     "[    1.0] usb 1-4: a\n[    1.1] EXT4-fs (sda1): b\n[    1.2] usb 1-4: c\n", 0,
     OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
    {"one raw line among them: raw dmesg", MONO_LINES "[    2.000000] Mem-Info:\n", 0,
     OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
    {"syslog", "Nov  5 01:02:03 web01 kernel: msg\n", 0, OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
};

static void test_sniff_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const sniff_row *r = &rows[i];
		oomsift_sniff_result got =
		    oomsift_sniff(r->head, r->len ? r->len : strlen(r->head));
		if (got.format != r->format || got.prefer != r->prefer || got.forced)
			fail_msg("%s: format %d prefer %d forced %d, expected %d %d 0", r->name,
			         got.format, got.prefer, got.forced, r->format, r->prefer);
	}
}

/* A last line cut by the end of the head is not judged. */
static void test_sniff_cut_last_line(void **state)
{
	char head[OOMSIFT_SNIFF_HEAD];
	size_t n = 0;
	oomsift_sniff_result r;

	(void)state;
	/* Lines of 100 bytes: the cut one is among the lines looked at. */
	while (n + 200 < sizeof(head))
		n += (size_t)snprintf(head + n, sizeof(head) - n,
		                      "[%10zu.000000] web01 kernel: %070d\n", n, 0);
	memset(head + n, 'y', sizeof(head) - n);
	memcpy(head + n, "[    9.0] Mem-Info", 18);
	r = oomsift_sniff(head, sizeof(head));
	assert_int_equal(r.format, OOMSIFT_FORMAT_TEXT);
	assert_int_equal(r.prefer, OOMSIFT_WRAP_JOURNAL_MONO);
}

/* Longer input than the head: only the head is looked at. */
static void test_sniff_reads_only_the_head(void **state)
{
	size_t len = OOMSIFT_SNIFF_HEAD * 2;
	char *buf = malloc(len);
	oomsift_sniff_result r;

	(void)state;
	assert_non_null(buf);
	memset(buf, 'a', OOMSIFT_SNIFF_HEAD);
	for (size_t i = 63; i < OOMSIFT_SNIFF_HEAD; i += 64)
		buf[i] = '\n';
	memset(buf + OOMSIFT_SNIFF_HEAD, '\0', OOMSIFT_SNIFF_HEAD);
	buf[len - 1] = '\x01'; /* binary after the head */
	r = oomsift_sniff(buf, len);
	assert_int_equal(r.format, OOMSIFT_FORMAT_TEXT);
	free(buf);
}

/* The real renders of tests/data/journal. */
static oomsift_sniff_result sniff_file(const char *name)
{
	char path[512], head[OOMSIFT_SNIFF_HEAD];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", OOMSIFT_TEST_DATA, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return oomsift_sniff(head, n);
}

static void test_sniff_real_files(void **state)
{
	static const struct {
		const char *file;
		oomsift_format format;
		oomsift_wrapper prefer;
	} files[] = {
	    {"journal/arch01.short-monotonic.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_MONO},
	    {"journal/arch01.short.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	    {"journal/arch01.short-unix.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	    {"journal/arch01.cat.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	    {"journal/arch01.json.log", OOMSIFT_FORMAT_JOURNAL_JSON, OOMSIFT_WRAP_BARE},
	    {"journal/arch01.json-pretty.log", OOMSIFT_FORMAT_JOURNAL_JSON, OOMSIFT_WRAP_BARE},
	    {"journal/arch01.json-seq.log", OOMSIFT_FORMAT_JOURNAL_JSON, OOMSIFT_WRAP_BARE},
	    {"journal/arch01.json-sse.log", OOMSIFT_FORMAT_JOURNAL_JSON, OOMSIFT_WRAP_BARE},
	    {"journal/arch01.export.log", OOMSIFT_FORMAT_JOURNAL_EXPORT, OOMSIFT_WRAP_BARE},
	    {"wrappers/archlinux_raw_dmesg.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	    {"wrappers/archlinux_dmesg_caller.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	    {"wrappers/archlinux_kmsg.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	    {"wrappers/archlinux_rsyslog_rfc5424.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	    {"behaviour/crlf_and_nul.log", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		oomsift_sniff_result r = sniff_file(files[i].file);
		if (r.format != files[i].format || r.prefer != files[i].prefer)
			fail_msg("%s: format %d prefer %d", files[i].file, r.format, r.prefer);
	}
}

static void test_format_names(void **state)
{
	const char *const *names = oomsift_format_names();
	size_t n = 0;

	(void)state;
	for (; names[n]; n++) {
		oomsift_sniff_result r;
		assert_int_equal(oomsift_format_from_name(names[n], &r), 0);
		assert_int_equal(r.forced, strcmp(names[n], "auto") != 0);
	}
	assert_int_equal(n, 18);
	assert_string_equal(names[0], "auto");
}

static void test_format_from_name(void **state)
{
	static const struct {
		const char *name;
		oomsift_format format;
		oomsift_wrapper wrapper;
	} cases[] = {
	    {"auto", OOMSIFT_FORMAT_AUTO, OOMSIFT_WRAP_BARE},
	    {"dmesg", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_DMESG},
	    {"dmesg-t", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_DMESG_T},
	    {"kmsg", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_KMSG},
	    {"syslog", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_RFC3164},
	    {"rfc3339", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_RFC3339},
	    {"rfc5424", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_RFC5424},
	    {"short", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_SHORT},
	    {"short-precise", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_SHORT},
	    {"short-iso", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_ISO},
	    {"short-iso-precise", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_ISO},
	    {"short-full", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_FULL},
	    {"short-monotonic", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_MONO},
	    {"short-unix", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_JOURNAL_UNIX},
	    {"cat", OOMSIFT_FORMAT_TEXT, OOMSIFT_WRAP_BARE},
	    {"json", OOMSIFT_FORMAT_JOURNAL_JSON, OOMSIFT_WRAP_BARE},
	    {"export", OOMSIFT_FORMAT_JOURNAL_EXPORT, OOMSIFT_WRAP_BARE},
	    {"journal", OOMSIFT_FORMAT_JOURNAL_FILE, OOMSIFT_WRAP_BARE},
	};
	oomsift_sniff_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(oomsift_format_from_name(cases[i].name, &r), 0);
		if (r.format != cases[i].format || r.prefer != cases[i].wrapper)
			fail_msg("%s: format %d wrapper %d", cases[i].name, r.format, r.prefer);
	}
	assert_int_equal(oomsift_format_from_name("short-delta", &r), OOMSIFT_EINVAL);
	assert_non_null(strstr(oomsift_error_message(), "'short-delta'"));
	assert_int_equal(oomsift_format_from_name("", &r), OOMSIFT_EINVAL);
}

static void test_sniff_apply(void **state)
{
	oomsift_envelope_opts opts = {.year = 2026};
	oomsift_sniff_result r;

	(void)state;
	/* --format cat: only bare text, even though BARE is 0. */
	assert_int_equal(oomsift_format_from_name("cat", &r), 0);
	oomsift_sniff_apply(&r, &opts);
	assert_true(opts.forced);
	assert_int_equal(opts.force, OOMSIFT_WRAP_BARE);
	assert_int_equal(opts.year, 2026);

	/* A sniffed hint is a preference, not a force. */
	r = oomsift_sniff(MONO_LINES, strlen(MONO_LINES));
	oomsift_sniff_apply(&r, &opts);
	assert_false(opts.forced);
	assert_int_equal(opts.prefer, OOMSIFT_WRAP_JOURNAL_MONO);

	/* Not text: the options go back to automatic detection. */
	assert_int_equal(oomsift_format_from_name("json", &r), 0);
	oomsift_sniff_apply(&r, &opts);
	assert_false(opts.forced);
	assert_int_equal(opts.prefer, OOMSIFT_WRAP_BARE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sniff_table),
	    cmocka_unit_test(test_sniff_cut_last_line),
	    cmocka_unit_test(test_sniff_reads_only_the_head),
	    cmocka_unit_test(test_sniff_real_files),
	    cmocka_unit_test(test_format_names),
	    cmocka_unit_test(test_format_from_name),
	    cmocka_unit_test(test_sniff_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
