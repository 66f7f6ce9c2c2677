/* Unit tests of parse/facts.c, parse/sosreport.c and store/facts.c: host
 * facts from sysctl, meminfo and swaps text, sosreport recognition, and the
 * host_fact table with its views. Real captures: tests/data/facts (this
 * project's capture.sh) and tests/data/sosreport (a real `sos report` tree
 * and the db07 tree laid out like it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "oomsift/error.h"
#include "oomsift/event.h"
#include "oomsift/facts.h"
#include "oomsift/sosreport.h"
#include "oomsift/store.h"

#define DATA  OOMSIFT_TEST_DATA
#define DB07  DATA "/sosreport/sosreport-db07-2026-11-18-abcdef"
#define REAL  DATA "/sosreport/sosreport-vm-2026-11-21-pcvvrxu"
#define UNSET OOMSIFT_UNSET

extern const char oomsift_schema_sql[];

/* ---- collecting facts ---- */

typedef struct got_fact {
	char key[160];
	int64_t value;
	char unit[16];
	char text[32];
} got_fact;

typedef struct got {
	got_fact f[128];
	int n;
	int stop_after; /* > 0: fail on that fact */
} got;

static int collect(void *ctx, const oomsift_fact *fact)
{
	got *g = ctx;
	got_fact *f;

	if (g->stop_after && g->n + 1 == g->stop_after)
		return oomsift_error_set(OOMSIFT_EABORT, "stop");
	assert_true(g->n < 128);
	f = &g->f[g->n++];
	snprintf(f->key, sizeof(f->key), "%s", fact->key);
	f->value = fact->value;
	snprintf(f->unit, sizeof(f->unit), "%s", fact->unit ? fact->unit : "-");
	snprintf(f->text, sizeof(f->text), "%s", fact->text ? fact->text : "-");
	return 0;
}

static const got_fact *find(const got *g, const char *key)
{
	for (int i = 0; i < g->n; i++)
		if (strcmp(g->f[i].key, key) == 0)
			return &g->f[i];
	fail_msg("no fact '%s'", key);
	return NULL;
}

static void expect(const got *g, const char *key, int64_t value, const char *unit)
{
	const got_fact *f = find(g, key);

	if (f->value != value || strcmp(f->unit, unit) != 0)
		fail_msg("%s: expected %lld %s, got %lld %s", key, (long long)value, unit,
		         (long long)f->value, f->unit);
}

static int parse_text(const char *text, got *g, oomsift_facts_kind *kind)
{
	memset(g, 0, sizeof(*g));
	return oomsift_facts_parse_buffer(text, strlen(text), "t.txt", collect, g, kind);
}

/* ---- facts files of each kind ---- */

static void test_sysctl_real_capture(void **state)
{
	oomsift_facts_kind kind;
	int64_t mtime = 0;
	got g = {0};

	(void)state;
	assert_int_equal(
	    oomsift_facts_parse_path(DATA "/facts/debian12.sysctl", collect, &g, &kind, &mtime), 0);
	assert_int_equal(kind, OOMSIFT_FACTS_SYSCTL);
	assert_true(mtime > 0);
	/* the twelve kept keys a 6.x kernel has (vm.would_have_oomkilled is RHEL 6) */
	assert_int_equal(g.n, 12);
	expect(&g, "vm.overcommit_memory", 0, "mode");
	expect(&g, "vm.overcommit_ratio", 50, "percent");
	expect(&g, "vm.overcommit_kbytes", 0, "kB");
	expect(&g, "vm.panic_on_oom", 0, "mode");
	expect(&g, "vm.oom_kill_allocating_task", 0, "bool");
	expect(&g, "vm.oom_dump_tasks", 1, "bool");
	expect(&g, "vm.min_free_kbytes", 67584, "kB");
	expect(&g, "vm.watermark_scale_factor", 10, "1/10000");
	expect(&g, "vm.swappiness", 60, "-");
	expect(&g, "vm.admin_reserve_kbytes", 8192, "kB");
	expect(&g, "vm.user_reserve_kbytes", 100444, "kB");
	expect(&g, "vm.nr_hugepages", 0, "count");
}

static void test_sysctl_sos_with_complaints(void **state)
{
	oomsift_facts_kind kind;
	got g = {0};

	(void)state;
	/* RHEL 7 sysctl -a as sos keeps it: stderr's `sysctl: reading key` lines inside */
	assert_int_equal(oomsift_facts_parse_path(DB07 "/sos_commands/kernel/sysctl_-a", collect,
	                                          &g, &kind, NULL),
	                 0);
	assert_int_equal(kind, OOMSIFT_FACTS_SYSCTL);
	assert_int_equal(g.n, 11); /* 3.10 has no vm.watermark_scale_factor */
	expect(&g, "vm.swappiness", 30, "-");
	expect(&g, "vm.min_free_kbytes", 90112, "kB");
	expect(&g, "vm.user_reserve_kbytes", 131072, "kB");
}

static void test_sysctl_conf_style(void **state)
{
	got g;

	(void)state;
	assert_int_equal(parse_text("# comment\r\n"
	                            "; another\n"
	                            "\n"
	                            "vm.swappiness=10\r\n"
	                            "vm/overcommit_memory = 2\n"
	                            "-vm.panic_on_oom = 1\n"
	                            "kernel.printk = 4\t4\t1\t7\n"
	                            "dev.cdrom.info = \n"
	                            "vm.swappiness = 1\n",
	                            &g, NULL),
	                 0);
	assert_int_equal(g.n, 3);
	expect(&g, "vm.overcommit_memory", 2, "mode");
	expect(&g, "vm.panic_on_oom", 1, "mode");
	expect(&g, "vm.swappiness", 1, "-"); /* the last assignment wins */
}

static void test_sysctl_complaint_inside_a_line(void **state)
{
	got g;

	(void)state;
	/* stderr landed in the middle of buffered stdout, twice */
	assert_int_equal(parse_text("net.ipv4.tcp_rmem = 4096\t87sysctl: reading key "
	                            "\"net.ipv6.conf.all.stable_secret\"\n"
	                            "380\t6291456\n"
	                            "vm.overcommit_ratio = 8sysctl: reading key \"a.b\"\n"
	                            "sysctl: permission denied on key 'c.d'\n"
	                            "0\n"
	                            "vm.min_free_kbytes = 45sysctl: reading key \"e.f\"\n"
	                            "06",
	                            &g, NULL),
	                 0);
	assert_int_equal(g.n, 2);
	expect(&g, "vm.overcommit_ratio", 80, "percent");
	expect(&g, "vm.min_free_kbytes", 4506, "kB");
}

static void test_meminfo_real_capture(void **state)
{
	oomsift_facts_kind kind;
	got g = {0};

	(void)state;
	assert_int_equal(
	    oomsift_facts_parse_path(DATA "/facts/debian12.meminfo", collect, &g, &kind, NULL), 0);
	assert_int_equal(kind, OOMSIFT_FACTS_MEMINFO);
	assert_int_equal(g.n, 54); /* every line */
	assert_string_equal(g.f[0].key, "MemTotal");
	expect(&g, "MemTotal", 24684084, "kB");
	expect(&g, "SwapTotal", 0, "kB");
	expect(&g, "CommitLimit", 12342040, "kB");
	expect(&g, "Committed_AS", 168688, "kB");
	expect(&g, "Active(anon)", 1568, "kB");
	expect(&g, "VmallocTotal", 34359738367, "kB");
	expect(&g, "HugePages_Total", 0, "count");
	expect(&g, "Hugepagesize", 2048, "kB");
}

static void test_swaps_real_captures(void **state)
{
	oomsift_facts_kind kind;
	got g = {0};
	const got_fact *type;

	(void)state;
	assert_int_equal(oomsift_facts_parse_path(DATA "/facts/debian12-swapfile.swaps", collect,
	                                          &g, &kind, NULL),
	                 0);
	assert_int_equal(kind, OOMSIFT_FACTS_SWAPS);
	assert_int_equal(g.n, 5);
	type = find(&g, "swap:/var/tmp/oomsift-swap.DBj8vT:type");
	assert_string_equal(type->text, "file");
	assert_int_equal(type->value, UNSET);
	expect(&g, "swap:/var/tmp/oomsift-swap.DBj8vT:size", 16380, "kB");
	expect(&g, "swap:/var/tmp/oomsift-swap.DBj8vT:used", 0, "kB");
	expect(&g, "swap:/var/tmp/oomsift-swap.DBj8vT:priority", -2, "-");
	expect(&g, "swap_devices", 1, "count");

	memset(&g, 0, sizeof(g));
	assert_int_equal(
	    oomsift_facts_parse_path(DATA "/facts/debian12.swaps", collect, &g, &kind, NULL), 0);
	assert_int_equal(kind, OOMSIFT_FACTS_SWAPS);
	assert_int_equal(g.n, 1);
	expect(&g, "swap_devices", 0, "count"); /* no swap configured */
}

static void test_swaps_names_with_blanks_and_310_layout(void **state)
{
	got g;

	(void)state;
	/* 3.10 layout ("file\t"), and an escaped name with a blank before "(deleted)" */
	assert_int_equal(parse_text("Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n"
	                            "/dev/dm-1                               partition\t8388604\t"
	                            "1476396\t-1\n"
	                            "/swap\\040file (deleted)                 file\t\t1024\t0\t5\n",
	                            &g, NULL),
	                 0);
	assert_int_equal(g.n, 9);
	expect(&g, "swap:/dev/dm-1:used", 1476396, "kB");
	expect(&g, "swap:/swap\\040file (deleted):size", 1024, "kB");
	expect(&g, "swap:/swap\\040file (deleted):priority", 5, "-");
	expect(&g, "swap_devices", 2, "count");
}

/* The same text pushed one byte at a time gives the same facts. */
static void test_feed_byte_by_byte(void **state)
{
	static const char *const texts[] = {
	    "MemTotal:       16318412 kB\nHugePages_Free:        3\n",
	    "vm.swappiness = 5\nvm.overcommit_memory = 2",
	    "Filename Type Size Used Priority\n/dev/sda2 partition 100 1 -2\n",
	};

	(void)state;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		got whole, bytes = {0};
		oomsift_facts_parser *p;

		assert_int_equal(parse_text(texts[t], &whole, NULL), 0);
		assert_int_equal(oomsift_facts_new(&p, "b.txt", collect, &bytes), 0);
		for (const char *c = texts[t]; *c; c++)
			assert_int_equal(oomsift_facts_feed(p, c, 1), 0);
		assert_int_equal(oomsift_facts_finish(p), 0);
		oomsift_facts_free(p);
		assert_int_equal(bytes.n, whole.n);
		assert_memory_equal(bytes.f, whole.f, sizeof(got_fact) * (size_t)whole.n);
	}
}

static void test_detect(void **state)
{
	static const struct {
		const char *line;
		oomsift_facts_kind kind;
	} rows[] = {
	    {"MemTotal:       16318412 kB", OOMSIFT_FACTS_MEMINFO},
	    {"HugePages_Total:       0", OOMSIFT_FACTS_MEMINFO},
	    {"Active(anon):     1544 kB", OOMSIFT_FACTS_MEMINFO},
	    {"Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority", OOMSIFT_FACTS_SWAPS},
	    {"vm.overcommit_memory = 2", OOMSIFT_FACTS_SYSCTL},
	    {"vm.swappiness=10", OOMSIFT_FACTS_SYSCTL},
	    {"abi.vsyscall32 = 1", OOMSIFT_FACTS_SYSCTL},
	    {"sysctl: reading key \"net.ipv6.conf.all.stable_secret\"", OOMSIFT_FACTS_SYSCTL},
	    {"Nov 18 02:47:13 db07 kernel: Mem-Info:", OOMSIFT_FACTS_UNKNOWN},
	    {"name = value", OOMSIFT_FACTS_UNKNOWN}, /* INI, not sysctl: no dotted key */
	    {"MemTotal: lots", OOMSIFT_FACTS_UNKNOWN},
	    {"MemTotal: -5 kB", OOMSIFT_FACTS_UNKNOWN},
	    {"Filename Type Size Used", OOMSIFT_FACTS_UNKNOWN},
	    {"# a comment", OOMSIFT_FACTS_UNKNOWN},
	    {"", OOMSIFT_FACTS_UNKNOWN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (oomsift_facts_detect(rows[i].line, strlen(rows[i].line)) != rows[i].kind)
			fail_msg("'%s': expected %s", rows[i].line,
			         oomsift_facts_kind_name(rows[i].kind));
	assert_string_equal(oomsift_facts_kind_name(OOMSIFT_FACTS_SWAPS), "swaps");
}

static void test_bad_input(void **state)
{
	static const struct {
		const char *text;
		int code;
		const char *message;
	} rows[] = {
	    {"Nov 18 02:47:13 db07 kernel: hello\n", OOMSIFT_EINVAL, "'t.txt':1: not sysctl"},
	    {"\n# only\n\n", OOMSIFT_EINVAL, "'t.txt': no sysctl output"},
	    {"", OOMSIFT_EINVAL, "'t.txt': no sysctl output"},
	    {"MemTotal: 1 kB\nMemFree: 1 kB\nvm.swappiness = 1\n", OOMSIFT_EINVAL,
	     "'t.txt':3: not a 'Key: N [kB]' line"},
	    {"vm.swappiness = 1\njust words\n", OOMSIFT_EINVAL, "'t.txt':2: not a 'key = value'"},
	    {"vm.swappiness = sixty\n", OOMSIFT_EINVAL, "'t.txt':1: vm.swappiness: 'sixty' is not"},
	    {"vm.swappiness = 99999999999999999999\n", OOMSIFT_EINVAL, "is not an integer"},
	    {"Filename Type Size Used Priority\n/dev/sda2 partition 100 -2\n", OOMSIFT_EINVAL,
	     "'t.txt':2: not a 'Filename Type Size Used Priority' row"},
	    {"Filename Type Size Used Priority\n/dev/sda2 9 100 1 -2\n", OOMSIFT_EINVAL,
	     "swap type '9' is not a word"},
	    /* input reaches the message only as printable ASCII */
	    {"\x1b[31mred\n", OOMSIFT_EINVAL, "/proc/swaps: '?[31mred'"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got g;
		int rc = parse_text(rows[i].text, &g, NULL);

		if (rc != rows[i].code || !strstr(oomsift_error_message(), rows[i].message))
			fail_msg("row %zu: rc %d, message '%s'", i, rc, oomsift_error_message());
	}
}

static void test_caps(void **state)
{
	size_t n = OOMSIFT_FACTS_MAX_LINE + 100;
	char *text = malloc(n * 2 + 64);
	oomsift_facts_parser *p;
	size_t len = 0;
	got g = {0};

	(void)state;
	assert_non_null(text);
	/* a long line of a key that is not kept is harmless */
	len += (size_t)sprintf(text, "net.x = ");
	memset(text + len, '1', n);
	len += n;
	len += (size_t)sprintf(text + len, "\nvm.swappiness = 7\n");
	assert_int_equal(oomsift_facts_parse_buffer(text, len, "t.txt", collect, &g, NULL), 0);
	/* a long line of a kept key is not */
	len = (size_t)sprintf(text, "vm.swappiness = ");
	memset(text + len, '1', n);
	len += n;
	memset(&g, 0, sizeof(g));
	assert_int_equal(oomsift_facts_parse_buffer(text, len, "t.txt", collect, &g, NULL),
	                 OOMSIFT_ELIMIT);
	assert_non_null(strstr(oomsift_error_message(), "'t.txt':1: line longer than 4096"));
	free(text);

	/* more swap devices than the cap */
	memset(&g, 0, sizeof(g));
	assert_int_equal(oomsift_facts_new(&p, "s.txt", collect, &g), 0);
	assert_int_equal(oomsift_facts_feed(p, "Filename Type Size Used Priority\n", 33), 0);
	for (int i = 0; i < OOMSIFT_FACTS_MAX_SWAPS; i++) {
		g.n = 0;
		assert_int_equal(oomsift_facts_feed(p, "/s file 1 0 -2\n", 15), 0);
	}
	assert_int_equal(oomsift_facts_feed(p, "/s file 1 0 -2\n", 15), OOMSIFT_ELIMIT);
	/* after a failure the parser takes no more */
	assert_int_equal(oomsift_facts_feed(p, "\n", 1), OOMSIFT_ELIMIT);
	assert_int_equal(oomsift_facts_finish(p), OOMSIFT_ELIMIT);
	oomsift_facts_free(p);
}

static void test_callback_stops_and_unreadable_paths(void **state)
{
	got g = {.stop_after = 2};

	(void)state;
	assert_int_equal(
	    oomsift_facts_parse_buffer("A: 1\nB: 2\nC: 3\n", 15, "t", collect, &g, NULL),
	    OOMSIFT_EABORT);
	assert_int_equal(g.n, 1);
	assert_int_equal(oomsift_facts_parse_path(DATA "/facts/missing", collect, &g, NULL, NULL),
	                 OOMSIFT_EIO);
	assert_non_null(strstr(oomsift_error_message(), "cannot open"));
	assert_int_equal(oomsift_facts_parse_path(DATA "/facts", collect, &g, NULL, NULL),
	                 OOMSIFT_EIO);
	assert_non_null(strstr(oomsift_error_message(), "not a regular file"));
}

/* ---- sosreport paths and names ---- */

static void test_classify(void **state)
{
	static const struct {
		const char *rel;
		oomsift_sos_kind kind;
	} rows[] = {
	    {"var/log/messages", OOMSIFT_SOS_LOG},
	    {"var/log/messages-20261115", OOMSIFT_SOS_LOG},
	    {"var/log/messages.1.gz", OOMSIFT_SOS_LOG},
	    {"var/log/kern.log", OOMSIFT_SOS_LOG},
	    {"var/log/kern.log.2.gz", OOMSIFT_SOS_LOG},
	    {"var/log/syslog", OOMSIFT_SOS_LOG},
	    {"var/log/syslog.1", OOMSIFT_SOS_LOG},
	    {"./var/log/syslog", OOMSIFT_SOS_LOG},
	    {"var/log/messagesX", OOMSIFT_SOS_IGNORE},
	    {"var/log/secure", OOMSIFT_SOS_IGNORE},
	    {"var/log/installer/syslog", OOMSIFT_SOS_IGNORE},
	    {"var/log/journal/5c1f0e6d2c624a1b9a0e7f6f2d1b9e43/system.journal",
	     OOMSIFT_SOS_JOURNAL},
	    {"var/log/journal/5c1f0e6d2c624a1b9a0e7f6f2d1b9e43/user-1000@0005f1-2c.journal~",
	     OOMSIFT_SOS_JOURNAL},
	    {"run/log/journal/5c1f/system.journal", OOMSIFT_SOS_JOURNAL},
	    {"var/log/journal/5c1f/system.journal.bak", OOMSIFT_SOS_IGNORE},
	    {"sos_commands/logs/journalctl_--no-pager", OOMSIFT_SOS_JOURNAL},
	    {"sos_commands/logs/journalctl_--no-pager_--boot_-1", OOMSIFT_SOS_JOURNAL},
	    {"sos_commands/logs/journalctl_--all_--this-boot_--no-pager", OOMSIFT_SOS_JOURNAL},
	    {"sos_commands/logs/journalctl_--disk-usage", OOMSIFT_SOS_IGNORE},
	    {"sos_commands/logs/ls_-alRh_.var.log", OOMSIFT_SOS_IGNORE},
	    {"sos_commands/kernel/sysctl_-a", OOMSIFT_SOS_FACTS_SYSCTL},
	    {"sos_commands/kernel/dmesg", OOMSIFT_SOS_IGNORE},
	    {"proc/meminfo", OOMSIFT_SOS_FACTS_MEMINFO},
	    {"proc/swaps", OOMSIFT_SOS_FACTS_SWAPS},
	    {"sys/devices/system/node/node0/meminfo", OOMSIFT_SOS_IGNORE},
	    {"hostname", OOMSIFT_SOS_HOSTNAME},
	    {"sos_commands/host/hostname", OOMSIFT_SOS_HOSTNAME},
	    {"sos_commands/general/hostname", OOMSIFT_SOS_HOSTNAME},
	    {"etc/hostname", OOMSIFT_SOS_HOSTNAME},
	    {"sos_commands/host/hostname_-f", OOMSIFT_SOS_IGNORE},
	    {"sos_commands/date/date_--utc", OOMSIFT_SOS_DATE},
	    {"sos_commands/date/date", OOMSIFT_SOS_IGNORE},
	    {"etc/sysctl.conf", OOMSIFT_SOS_IGNORE},
	    {"version.txt", OOMSIFT_SOS_IGNORE},
	    {"", OOMSIFT_SOS_IGNORE},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		oomsift_sos_kind k = oomsift_sosreport_classify(rows[i].rel);
		if (k != rows[i].kind)
			fail_msg("'%s': expected %s, got %s", rows[i].rel,
			         oomsift_sos_kind_name(rows[i].kind), oomsift_sos_kind_name(k));
	}
}

/* Tar member names: classified after oomsift_sosreport_member_rel(). */
static void test_member_rel_and_classify(void **state)
{
	static const struct {
		const char *member, *rel;
		oomsift_sos_kind kind;
	} rows[] = {
	    {"sosreport-db07-2026-11-18-abcdef/var/log/messages", "var/log/messages",
	     OOMSIFT_SOS_LOG},
	    {"./sosreport-db07-2026-11-18-abcdef/proc/swaps", "proc/swaps",
	     OOMSIFT_SOS_FACTS_SWAPS},
	    {"sosreport-db07-2026-11-18-abcdef/sos_commands/kernel/sysctl_-a",
	     "sos_commands/kernel/sysctl_-a", OOMSIFT_SOS_FACTS_SYSCTL},
	    {"sosreport-db07-2026-11-18-abcdef/hostname", "hostname", OOMSIFT_SOS_HOSTNAME},
	    {"sosreport-db07-2026-11-18-abcdef/sos_commands/", "sos_commands/", OOMSIFT_SOS_IGNORE},
	    {"sosreport-db07-2026-11-18-abcdef/", NULL, OOMSIFT_SOS_IGNORE},
	    {"sosreport-db07-2026-11-18-abcdef", NULL, OOMSIFT_SOS_IGNORE},
	    {"/abs", NULL, OOMSIFT_SOS_IGNORE},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *rel = oomsift_sosreport_member_rel(rows[i].member);
		if (!rows[i].rel) {
			assert_null(rel);
			continue;
		}
		assert_non_null(rel);
		assert_string_equal(rel, rows[i].rel);
		assert_int_equal(oomsift_sosreport_classify(rel), rows[i].kind);
	}
}

static void test_detect_listing(void **state)
{
	static const char *const sos[] = {
	    "sosreport-db07-2026-11-18-abcdef/proc/meminfo",
	    "sosreport-db07-2026-11-18-abcdef/sos_commands/kernel/sysctl_-a",
	    "sosreport-db07-2026-11-18-abcdef/var/log/messages",
	    "sosreport-db07-2026-11-18-abcdef/version.txt",
	};
	static const char *const dot_dirs[] = {"./", "./sosreport-x-2026-01-01-abc/",
	                                       "./sosreport-x-2026-01-01-abc/sos_logs",
	                                       "./sosreport-x-2026-01-01-abc/sos_commands/"};
	static const char *const no_marker[] = {"top/sos_commands/kernel/sysctl_-a",
	                                        "top/proc/meminfo"};
	static const char *const no_commands[] = {"top/version.txt", "top/sos_logs/ui.log"};
	static const char *const mixed[] = {"a/sos_commands/x", "a/version.txt", "b/proc/meminfo"};
	static const char *const flat[] = {"sos_commands", "version.txt"};
	char root[OOMSIFT_SOS_MAX_ROOT];
	oomsift_sos_detect d;

	(void)state;
	assert_true(oomsift_sosreport_is_listing(sos, 4, root, sizeof(root)));
	assert_string_equal(root, "sosreport-db07-2026-11-18-abcdef");
	assert_true(oomsift_sosreport_is_listing(dot_dirs, 4, root, sizeof(root)));
	assert_string_equal(root, "sosreport-x-2026-01-01-abc");
	assert_false(oomsift_sosreport_is_listing(no_marker, 2, NULL, 0));
	assert_false(oomsift_sosreport_is_listing(no_commands, 2, NULL, 0));
	assert_false(oomsift_sosreport_is_listing(mixed, 3, NULL, 0));
	assert_false(oomsift_sosreport_is_listing(flat, 2, NULL, 0));
	assert_false(oomsift_sosreport_is_listing(NULL, 0, NULL, 0));

	/* streaming: the answer changes as members arrive */
	oomsift_sosreport_detect_init(&d);
	oomsift_sosreport_detect_member(&d, sos[0]);
	oomsift_sosreport_detect_member(&d, sos[1]);
	assert_false(oomsift_sosreport_detect_result(&d));
	oomsift_sosreport_detect_member(&d, sos[3]);
	assert_true(oomsift_sosreport_detect_result(&d));
	assert_string_equal(d.root, "sosreport-db07-2026-11-18-abcdef");
}

static void test_host_from_name(void **state)
{
	static const struct {
		const char *name, *host;
	} rows[] = {
	    {"sosreport-db07-2026-11-18-abcdef", "db07"},
	    {"/srv/in/sosreport-db07-2026-11-18-abcdef/", "db07"},
	    {"sosreport-web-01-2026-11-18-qwertyu.tar.xz", "web-01"},
	    {"sosreport-db07-2026-11-18-abcdefg.tar.gz", "db07"},
	    {"sosreport-db07-mylabel-0123456-2026-11-18-abcdefg.tar.xz", "db07-mylabel-0123456"},
	    {"sosreport-host0-2026-11-18-abcdefg-obfuscated.tar.xz", "host0"},
	    {"sosreport-db07.01234567-20261118032011.tar.bz2", "db07"}, /* legacy */
	    {"sosreport-db07-20261118032011", "db07"},
	    {"sosreport-db07-2026-11-18", "db07"},
	};
	static const char *const bad[] = {
	    "db07-2026-11-18-abcdef",       "sosreport-",
	    "sosreport-2026-11-18-abcdef",  "sosreport-db07",
	    "sosreport-db07-abcdef",        "sosreport-db07-2026-11-18-ABC",
	    "sosreport-d b-2026-11-18-abc",
	};
	char host[OOMSIFT_SOS_MAX_HOST];

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (oomsift_sosreport_host_from_name(rows[i].name, host, sizeof(host)) != 0)
			fail_msg("'%s': %s", rows[i].name, oomsift_error_message());
		assert_string_equal(host, rows[i].host);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (oomsift_sosreport_host_from_name(bad[i], host, sizeof(host)) != OOMSIFT_EINVAL)
			fail_msg("'%s' taken as an sosreport name", bad[i]);
	assert_int_equal(oomsift_sosreport_host_from_name("sosreport-db07-2026-11-18-abc", host, 4),
	                 OOMSIFT_EINVAL); /* does not fit */
}

static void test_host_from_text(void **state)
{
	char host[OOMSIFT_SOS_MAX_HOST];

	(void)state;
	assert_int_equal(
	    oomsift_sosreport_host_from_text("db07.example.com\n", 17, host, sizeof(host)), 0);
	assert_string_equal(host, "db07");
	assert_int_equal(
	    oomsift_sosreport_host_from_text("  web_01 \r\nother\n", 17, host, sizeof(host)), 0);
	assert_string_equal(host, "web_01");
	assert_int_equal(oomsift_sosreport_host_from_text("\n", 1, host, sizeof(host)),
	                 OOMSIFT_EINVAL);
	assert_int_equal(oomsift_sosreport_host_from_text("not a host\n", 11, host, sizeof(host)),
	                 OOMSIFT_EINVAL);
	assert_int_equal(oomsift_sosreport_host_from_text(".x\n", 3, host, sizeof(host)),
	                 OOMSIFT_EINVAL);
}

static void test_date_from_text(void **state)
{
	static const char *const bad[] = {
	    "Wed Nov 18 04:20:11 CET 2026\n",
	    "Wed Nov 18 03:20:11 AM UTC 2026\n",
	    "2026-11-18T03:20:11Z\n",
	    "Xyz Nov 18 03:20:11 UTC 2026\n",
	    "Wed Nov 32 03:20:11 UTC 2026\n",
	    "Wed Nov 18 03:20:11 UTC 2026 extra\n",
	    "",
	};
	int64_t t;

	(void)state;
	assert_int_equal(oomsift_sosreport_date_from_text("Wed Nov 18 03:20:11 UTC 2026\n", 29, &t),
	                 0);
	assert_int_equal(t, 1794972011);
	assert_int_equal(oomsift_sosreport_date_from_text("Wed Nov  4 05:06:07 GMT 2026", 28, &t),
	                 0);
	assert_int_equal(t, 1793768767);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (oomsift_sosreport_date_from_text(bad[i], strlen(bad[i]), &t) != OOMSIFT_EINVAL)
			fail_msg("'%s' read as a date", bad[i]);
}

/* ---- sosreport directories ---- */

static void test_probe(void **state)
{
	bool is_sos = true;

	(void)state;
	assert_int_equal(oomsift_sosreport_probe(DB07, &is_sos), 0);
	assert_true(is_sos);
	assert_int_equal(oomsift_sosreport_probe(REAL "/", &is_sos), 0);
	assert_true(is_sos);
	assert_int_equal(oomsift_sosreport_probe(DATA "/corpus", &is_sos), 0);
	assert_false(is_sos);
	is_sos = true;
	assert_int_equal(oomsift_sosreport_probe(DB07 "/version.txt", &is_sos), 0);
	assert_false(is_sos);
	is_sos = true;
	assert_int_equal(oomsift_sosreport_probe(DATA "/none", &is_sos), 0);
	assert_false(is_sos);
	is_sos = true;
	assert_int_equal(oomsift_sosreport_probe("-", &is_sos), 0);
	assert_false(is_sos);
}

static void test_read_info(void **state)
{
	oomsift_sosreport_info info;
	char dir[64] = "/tmp/oomsift-sos.XXXXXX", tree[128], path[192];

	(void)state;
	assert_int_equal(oomsift_sosreport_read_info(DB07, &info), 0);
	assert_string_equal(info.host, "db07"); /* hostname db07.example.com, short */
	assert_true(info.has_collected_at);
	assert_int_equal(info.collected_at, 1794972011);

	/* the real tree sos 4.0 built on this project's machine */
	assert_int_equal(oomsift_sosreport_read_info(REAL, &info), 0);
	assert_string_equal(info.host, "vm");
	assert_true(info.has_collected_at);
	assert_int_equal(info.collected_at, 1795299547);

	/* no hostname file, no date: the name tells the host */
	assert_non_null(mkdtemp(dir));
	snprintf(tree, sizeof(tree), "%s/sosreport-web3-2026-01-02-abcdefg", dir);
	assert_int_equal(mkdir(tree, 0700), 0);
	assert_int_equal(oomsift_sosreport_read_info(tree, &info), 0);
	assert_string_equal(info.host, "web3");
	assert_false(info.has_collected_at);
	/* a hostname file that names nothing is passed over */
	snprintf(path, sizeof(path), "%s/hostname", tree);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("\n", f);
	fclose(f);
	assert_int_equal(oomsift_sosreport_read_info(tree, &info), 0);
	assert_string_equal(info.host, "web3");
	unlink(path);
	rmdir(tree);
	/* nothing tells */
	assert_int_equal(oomsift_sosreport_read_info(dir, &info), 0);
	assert_string_equal(info.host, "");
	rmdir(dir);
}

typedef struct walked {
	char rel[16][96];
	oomsift_sos_kind kind[16];
	int n;
	size_t root_len;
} walked;

static int on_sos_file(void *ctx, const char *path, oomsift_sos_kind kind, int err)
{
	walked *w = ctx;

	assert_int_equal(err, 0);
	assert_true(w->n < 16);
	snprintf(w->rel[w->n], sizeof(w->rel[0]), "%s", path + w->root_len);
	w->kind[w->n++] = kind;
	return 0;
}

static void test_walk(void **state)
{
	static const struct {
		const char *rel;
		oomsift_sos_kind kind;
	} want[] = {
	    {"sos_commands/kernel/sysctl_-a", OOMSIFT_SOS_FACTS_SYSCTL},
	    {"proc/meminfo", OOMSIFT_SOS_FACTS_MEMINFO},
	    {"proc/swaps", OOMSIFT_SOS_FACTS_SWAPS},
	    {"hostname", OOMSIFT_SOS_HOSTNAME},
	    {"sos_commands/host/hostname", OOMSIFT_SOS_HOSTNAME},
	    {"sos_commands/date/date_--utc", OOMSIFT_SOS_DATE},
	    {"var/log/messages", OOMSIFT_SOS_LOG},
	    {"var/log/messages-20261115", OOMSIFT_SOS_LOG},
	    {"sos_commands/logs/journalctl_--no-pager", OOMSIFT_SOS_JOURNAL},
	    {"sos_commands/logs/journalctl_--no-pager_--boot", OOMSIFT_SOS_JOURNAL},
	};
	walked w = {.root_len = strlen(DB07) + 1};

	(void)state;
	assert_int_equal(oomsift_sosreport_walk(DB07, on_sos_file, &w), 0);
	assert_int_equal(w.n, sizeof(want) / sizeof(want[0]));
	for (int i = 0; i < w.n; i++) {
		assert_string_equal(w.rel[i], want[i].rel);
		assert_int_equal(w.kind[i], want[i].kind);
	}
	/* a trailing '/' on the root changes nothing */
	memset(w.rel, 0, sizeof(w.rel));
	w.n = 0;
	assert_int_equal(oomsift_sosreport_walk(DB07 "/", on_sos_file, &w), 0);
	assert_int_equal(w.n, sizeof(want) / sizeof(want[0]));
	assert_string_equal(w.rel[0], want[0].rel);
}

/* ---- the store ---- */

static int64_t one_int(oomsift_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_type(st, 0) == SQLITE_NULL ? UNSET : sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void one_text(oomsift_store *s, const char *sql, const char *want)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(sqlite3_prepare_v2(oomsift_store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
}

static void test_store_facts(void **state)
{
	const oomsift_fact facts[] = {
	    {"vm.overcommit_memory", 2, "mode", NULL},
	    {"MemTotal", 16318412, "kB", NULL},
	    {"swap:/dev/sda2:type", UNSET, NULL, "partition"},
	    {"swap:/dev/sda2:size", 8388604, "kB", NULL},
	    {"swap:/dev/sda2:used", 1024, "kB", NULL},
	    {"swap:/dev/sda2:priority", -2, NULL, NULL},
	};
	oomsift_facts_origin first = {"web01", 1794972011, "/in/web01.sysctl"};
	oomsift_facts_origin later = {"web01", 1794972011 + 86400, "/in/web01-2.sysctl"};
	oomsift_facts_origin other = {"db07", 1794972011, "/in/db07.meminfo"};
	oomsift_fact newer = {"vm.overcommit_memory", 0, "mode", NULL};
	oomsift_store *s;
	uint64_t added = 0;

	(void)state;
	assert_int_equal(oomsift_store_open(&s, ":memory:", OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(oomsift_store_begin(s), 0);
	assert_int_equal(oomsift_store_put_facts(s, &first, facts, 6, &added), 0);
	assert_int_equal(added, 6);
	/* the same collection again: nothing */
	assert_int_equal(oomsift_store_put_facts(s, &first, facts, 6, &added), 0);
	assert_int_equal(added, 6);
	/* a later collection of the same host, and another host */
	assert_int_equal(oomsift_store_put_facts(s, &later, &newer, 1, &added), 0);
	assert_int_equal(oomsift_store_put_facts(s, &other, facts + 1, 1, NULL), 0);
	assert_int_equal(added, 7);
	assert_int_equal(oomsift_store_commit(s), 0);

	assert_int_equal(one_int(s, "SELECT count(*) FROM host_facts"), 8);
	one_text(s,
	         "SELECT collected_at || ' ' || source FROM host_facts WHERE host = 'web01' "
	         "AND key = 'MemTotal'",
	         "2026-11-18T03:20:11Z /in/web01.sysctl");
	assert_int_equal(
	    one_int(s, "SELECT value FROM host_facts WHERE key = 'swap:/dev/sda2:type'"), UNSET);
	assert_int_equal(
	    one_int(s, "SELECT unit IS NULL FROM host_facts WHERE key = 'swap:/dev/sda2:priority'"),
	    1);
	/* the latest value per host and key */
	assert_int_equal(one_int(s, "SELECT count(*) FROM host_facts_latest"), 7);
	assert_int_equal(one_int(s, "SELECT value FROM host_facts_latest WHERE host = 'web01' AND "
	                            "key = 'vm.overcommit_memory'"),
	                 0);
	one_text(s,
	         "SELECT collected_at FROM host_facts_latest WHERE host = 'web01' AND "
	         "key = 'vm.overcommit_memory'",
	         "2026-11-19T03:20:11Z");
	/* swap devices as rows */
	one_text(s,
	         "SELECT host || ' ' || device || ' ' || type || ' ' || size_kb || ' ' || "
	         "used_kb || ' ' || priority FROM host_swaps",
	         "web01 /dev/sda2 partition 8388604 1024 -2");
	oomsift_store_free(s);
}

/* A store of schema version 1 gets host_fact (with every later migration) when it is opened
 * for writing. */
static void test_migration_from_v1(void **state)
{
	char dir[64] = "/tmp/oomsift-mig.XXXXXX", path[128], side[160];
	oomsift_facts_origin o = {"h", 0, "f"};
	oomsift_fact f = {"MemTotal", 1, "kB", NULL};
	oomsift_store *s;
	sqlite3 *db;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/v1.db", dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, oomsift_schema_sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	assert_int_equal(oomsift_store_open(&s, path, OOMSIFT_STORE_READWRITE), 0);
	assert_int_equal(one_int(s, "PRAGMA user_version"), OOMSIFT_SCHEMA_VERSION);
	assert_int_equal(one_int(s, "SELECT count(*) FROM host_facts"), 0);
	assert_int_equal(oomsift_store_put_facts(s, &o, &f, 1, NULL), 0);
	assert_int_equal(one_int(s, "SELECT count(*) FROM host_facts_latest"), 1);
	oomsift_store_free(s);

	for (int i = 0; i < 3; i++) {
		snprintf(side, sizeof(side), "%s%s", path, (const char *[]){"", "-wal", "-shm"}[i]);
		unlink(side);
	}
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sysctl_real_capture),
	    cmocka_unit_test(test_sysctl_sos_with_complaints),
	    cmocka_unit_test(test_sysctl_conf_style),
	    cmocka_unit_test(test_sysctl_complaint_inside_a_line),
	    cmocka_unit_test(test_meminfo_real_capture),
	    cmocka_unit_test(test_swaps_real_captures),
	    cmocka_unit_test(test_swaps_names_with_blanks_and_310_layout),
	    cmocka_unit_test(test_feed_byte_by_byte),
	    cmocka_unit_test(test_detect),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_callback_stops_and_unreadable_paths),
	    cmocka_unit_test(test_classify),
	    cmocka_unit_test(test_member_rel_and_classify),
	    cmocka_unit_test(test_detect_listing),
	    cmocka_unit_test(test_host_from_name),
	    cmocka_unit_test(test_host_from_text),
	    cmocka_unit_test(test_date_from_text),
	    cmocka_unit_test(test_probe),
	    cmocka_unit_test(test_read_info),
	    cmocka_unit_test(test_walk),
	    cmocka_unit_test(test_store_facts),
	    cmocka_unit_test(test_migration_from_v1),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
