/*
 * oomsift-bench-gen: a seeded, deterministic generator of fleet logs for the
 * benchmark (bench/run) and for the event-count check (ctest bench_gen_count).
 *
 * It writes N hosts x D days of syslog noise (cron, sshd, systemd, kernel) in
 * RFC3164 kern.log shape, with the OOM reports of every fixture of
 * tests/data/corpus and tests/data/kernels spliced in at one report per
 * --density KB. Each report's lines lose their own prefix and are re-wrapped
 * with the generated host and time, so each splice is a fresh event. It prints
 * the exact number of events it wrote.
 *
 * Outputs in --out DIR: fleet.log (all hosts interleaved), hosts/HOST.log
 * (the same lines split per host), fleet.json (journalctl -o json shape), and
 * .gz/.zst copies of the text files, as --format asks.
 */
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

enum {
	MAX_HOSTS = 512,
	MAX_TEMPLATES = 64,
	MAX_TEMPLATE_LINES = 512,
	MAX_LINE = 4096,
	MAX_PATH = 4096,
};

/* 2024-01-08 00:00:00 UTC, a Monday: the first generated second. */
static const int64_t START_EPOCH = 1704672000;
static const int START_YEAR = 2024;

enum format_bit {
	FMT_PLAIN = 1,
	FMT_GZ = 2,
	FMT_ZST = 4,
	FMT_JSON = 8,
	FMT_HOSTS = 16,
};

struct options {
	uint64_t seed;
	int hosts;
	int days;
	uint64_t size;
	uint64_t density_kb;
	uint64_t max_events; /* 0: --size decides; else stop after this many events */
	unsigned formats;
	const char *out;
	const char *data;
	bool verbose;
};

struct report_template {
	char *name;
	char **lines;
	int n_lines;
};

struct host {
	char name[32];
	char boot_id[33];
	int64_t boot_epoch;
	FILE *file;
	uint64_t events;
	uint64_t bytes;
};

struct generator {
	struct options opt;
	uint64_t rng;
	struct report_template templates[MAX_TEMPLATES];
	int n_templates;
	struct host hosts[MAX_HOSTS];
	FILE *central;
	FILE *json;
	uint64_t written;
	uint64_t events;
	uint64_t next_report_at;
	uint32_t pid;
	int64_t frozen_usec; /* a report's lines share one time; 0: time follows bytes */
};

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "oomsift-bench-gen: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

/* xorshift64*: small, fast, and the same on every platform for a seed. */
static uint64_t rnd(struct generator *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 2685821657736338717ULL;
}

static uint32_t rnd_below(struct generator *g, uint32_t n)
{
	return (uint32_t)(rnd(g) >> 33) % n;
}

static const char *pick(struct generator *g, const char *const *list, size_t n)
{
	return list[rnd_below(g, (uint32_t)n)];
}

#define PICK(g, list) pick((g), (list), sizeof(list) / sizeof((list)[0]))

/* ---- fixture templates ---- */

static bool is_month_day_time(const char *s)
{
	/* "Mar  3 04:05:06 " */
	return strlen(s) >= 16 && s[3] == ' ' && s[6] == ' ' && s[9] == ':' && s[12] == ':' &&
	       s[15] == ' ';
}

/*
 * Strips the wrapper of one fixture line. Returns the kernel message, or NULL
 * when the line is a syslog line of another program (not part of a report).
 */
static const char *strip_prefix(const char *line)
{
	const char *p = line;
	if (is_month_day_time(p)) {
		p += 16;
		const char *sp = strchr(p, ' ');
		if (!sp)
			return NULL;
		p = sp + 1;
		if (strncmp(p, "kernel: ", 8) != 0)
			return NULL;
		p += 8;
	}
	if (p[0] == '[' && ((p[1] >= 'A' && p[1] <= 'Z') || (p[1] >= 'a' && p[1] <= 'z'))) {
		const char *end = strstr(p, "] ");
		if (end)
			p = end + 2;
	} else if (p[0] == '[') {
		const char *end = strchr(p, ']');
		const char *dot = strchr(p, '.');
		if (end && dot && dot < end) {
			p = end + 1;
			if (p[0] == '[' && strchr(p, ']'))
				p = strchr(p, ']') + 1;
			if (*p == ' ')
				p++;
		}
	}
	return p;
}

static bool ends_report(const char *msg)
{
	return strstr(msg, "Killed process") || strstr(msg, "oom_reaper: reaped") ||
	       strstr(msg, "sharing same memory");
}

static void template_add_line(struct report_template *t, const char *msg)
{
	if (t->n_lines >= MAX_TEMPLATE_LINES)
		die("template %s: too many lines", t->name);
	t->lines[t->n_lines] = strdup(msg);
	if (!t->lines[t->n_lines])
		die("%s: out of memory", t->name);
	t->n_lines++;
}

/* Cuts a report's lines from "invoked oom-killer" to its last kill line. */
static void load_template(struct generator *g, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("cannot open %s", path);
	struct report_template *t = &g->templates[g->n_templates];
	t->name = strdup(path);
	t->lines = calloc(MAX_TEMPLATE_LINES, sizeof(char *));
	if (!t->name || !t->lines)
		die("%s: out of memory", path);
	char line[MAX_LINE];
	int last_end = -1;
	bool in_report = false;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		const char *msg = strip_prefix(line);
		if (!msg)
			continue;
		if (!in_report && !strstr(msg, "invoked oom-killer"))
			continue;
		in_report = true;
		template_add_line(t, msg);
		if (ends_report(msg))
			last_end = t->n_lines;
	}
	fclose(f);
	if (last_end < 0)
		die("%s: no complete OOM report", path);
	t->n_lines = last_end;
	g->n_templates++;
}

static void load_templates(struct generator *g)
{
	static const char *const dirs[] = {"corpus", "kernels"};
	for (size_t d = 0; d < 2; d++) {
		char pattern[MAX_PATH];
		snprintf(pattern, sizeof(pattern), "%s/%s/*.log", g->opt.data, dirs[d]);
		glob_t gl;
		if (glob(pattern, 0, NULL, &gl) != 0)
			die("no fixtures match %s", pattern);
		for (size_t i = 0; i < gl.gl_pathc && g->n_templates < MAX_TEMPLATES; i++)
			load_template(g, gl.gl_pathv[i]);
		globfree(&gl);
	}
}

/* ---- noise ---- */

static const char *const USERS[] = {"deploy", "alice", "bob", "ansible", "backup", "ci", "ops"};
static const char *const CRON_CMDS[] = {
    "(root) CMD (cd / && run-parts --report /etc/cron.hourly)",
    "(root) CMD (   test -x /etc/cron.daily/popularity-contest && "
    "/etc/cron.daily/popularity-contest --crond)",
    "(www-data) CMD ([ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then "
    "/usr/lib/php/sessionclean; fi)",
    "(root) CMD (/usr/local/bin/backup-rotate.sh --keep 14 >/dev/null 2>&1)",
    "(deploy) CMD (/srv/app/bin/flush-queue --batch 500)",
    "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
    "pam_unix(cron:session): session closed for user root",
};
static const char *const UNITS[] = {
    "logrotate.service",
    "apt-daily.service",
    "man-db.service",
    "fstrim.service",
    "systemd-tmpfiles-clean.service",
    "phpsessionclean.service",
    "certbot.service",
    "unattended-upgrades.service",
    "e2scrub_all.service",
    "sysstat-collect.service",
};
static const char *const UNIT_DESCS[] = {
    "Rotate log files",
    "Daily apt download activities",
    "Daily man-db regeneration",
    "Discard unused blocks on filesystems from /etc/fstab",
    "Cleanup of Temporary Directories",
    "Clean php session files",
    "Certbot",
    "Unattended Upgrades Shutdown",
    "Online ext4 Metadata Check for All Filesystems",
    "system activity accounting tool",
};
static const char *const KERNEL_NOISE[] = {
    "IPv6: ADDRCONF(NETDEV_CHANGE): veth%04x: link becomes ready",
    "docker0: port %u(veth%04x) entered forwarding state",
    "docker0: port %u(veth%04x) entered disabled state",
    "EXT4-fs (dm-%u): mounted filesystem %04x-%04x with ordered data mode. Quota mode: none.",
    "TCP: request_sock_TCP: Possible SYN flooding on port %u. Sending cookies.  Check SNMP "
    "counters.",
    "nf_conntrack: nf_conntrack: table full, dropping packet",
    "audit: type=1400 audit(1704672%03u.%03u:%u): apparmor=\"DENIED\" operation=\"open\" "
    "profile=\"snap.lxd.daemon\" name=\"/proc/%u/mountinfo\" pid=%u comm=\"lxd\" "
    "requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0",
    "e1000e: eth%u NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
    "perf: interrupt took too long (%u > %u), lowering kernel.perf_event_max_sample_rate to %u",
    "usb 1-%u: new high-speed USB device number %u using xhci_hcd",
};

static int noise_cron(struct generator *g, char *buf, size_t n)
{
	return snprintf(buf, n, "CRON[%u]: %s", g->pid, PICK(g, CRON_CMDS));
}

static int noise_sshd(struct generator *g, char *buf, size_t n)
{
	unsigned a = rnd_below(g, 223) + 1, b = rnd_below(g, 256), c = rnd_below(g, 256),
	         d = rnd_below(g, 254) + 1, port = 1024 + rnd_below(g, 60000);
	const char *user = PICK(g, USERS);
	switch (rnd_below(g, 4)) {
	case 0:
		return snprintf(
		    buf, n,
		    "sshd[%u]: Accepted publickey for %s from %u.%u.%u.%u port %u ssh2: "
		    "ED25519 SHA256:%08" PRIx64 "%08" PRIx64,
		    g->pid, user, a, b, c, d, port, rnd(g) & 0xffffffff, rnd(g) & 0xffffffff);
	case 1:
		return snprintf(buf, n, "sshd[%u]: Disconnected from user %s %u.%u.%u.%u port %u",
		                g->pid, user, a, b, c, d, port);
	case 2:
		return snprintf(buf, n, "sshd[%u]: Invalid user %s%u from %u.%u.%u.%u port %u",
		                g->pid, user, rnd_below(g, 100), a, b, c, d, port);
	default:
		return snprintf(buf, n,
		                "sshd[%u]: pam_unix(sshd:session): session opened for user "
		                "%s(uid=%u) by (uid=0)",
		                g->pid, user, 1000 + rnd_below(g, 20));
	}
}

static int noise_systemd(struct generator *g, char *buf, size_t n)
{
	uint32_t u = rnd_below(g, sizeof(UNITS) / sizeof(UNITS[0]));
	switch (rnd_below(g, 4)) {
	case 0:
		return snprintf(buf, n, "systemd[1]: Starting %s - %s...", UNITS[u], UNIT_DESCS[u]);
	case 1:
		return snprintf(buf, n, "systemd[1]: %s: Deactivated successfully.", UNITS[u]);
	case 2:
		return snprintf(buf, n, "systemd[1]: Finished %s - %s.", UNITS[u], UNIT_DESCS[u]);
	default:
		return snprintf(buf, n, "systemd-logind[%u]: New session %u of user %s.",
		                400 + rnd_below(g, 200), rnd_below(g, 90000), PICK(g, USERS));
	}
}

static int noise_kernel(struct generator *g, char *buf, size_t n)
{
	char msg[512];
	const char *fmt = PICK(g, KERNEL_NOISE);
	unsigned x = rnd_below(g, 65536), y = rnd_below(g, 65536), z = rnd_below(g, 4000);
	/* Every format takes at most these arguments; extra ones are ignored. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
	snprintf(msg, sizeof(msg), fmt, x % 8, x, y, z, z + 7, x, y);
#pragma GCC diagnostic pop
	return snprintf(buf, n, "%s", msg);
}

/* ---- writing ---- */

/* Wall time follows the bytes written: the whole range spans --days. */
static int64_t now_usec(const struct generator *g)
{
	if (g->frozen_usec)
		return g->frozen_usec;
	double frac = (double)g->written / (double)g->opt.size;
	return START_EPOCH * 1000000 + (int64_t)(frac * g->opt.days * 86400.0 * 1e6);
}

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/*
 * Writes one record. ident is the syslog identifier ("kernel" for kernel
 * messages, which get a [uptime] stamp as in kern.log); msg follows "ident: ".
 */
static void emit(struct generator *g, struct host *h, const char *ident, const char *msg)
{
	int64_t us = now_usec(g);
	time_t sec = (time_t)(us / 1000000);
	struct tm tm;
	gmtime_r(&sec, &tm);
	char stamp[32], line[MAX_LINE + 256];
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	int len;
	if (strcmp(ident, "kernel") == 0) {
		int64_t up = us - h->boot_epoch * 1000000;
		len =
		    snprintf(line, sizeof(line), "%s %s kernel: [%5" PRId64 ".%06" PRId64 "] %s\n",
		             stamp, h->name, up / 1000000, up % 1000000, msg);
	} else {
		len = snprintf(line, sizeof(line), "%s %s %s\n", stamp, h->name, msg);
	}
	if (len >= (int)sizeof(line))
		len = (int)sizeof(line) - 1;
	if (g->central)
		fwrite(line, 1, (size_t)len, g->central);
	if (h->file)
		fwrite(line, 1, (size_t)len, h->file);
	if (g->json) {
		const char *text = msg;
		char idbuf[64];
		if (strcmp(ident, "kernel") != 0) {
			/* "CRON[123]: text" -> identifier CRON, message text */
			size_t idlen = strcspn(msg, "[:");
			snprintf(idbuf, sizeof(idbuf), "%.*s", (int)idlen, msg);
			ident = idbuf;
			const char *colon = strstr(msg, ": ");
			text = colon ? colon + 2 : msg;
		}
		fprintf(g->json,
		        "{\"__REALTIME_TIMESTAMP\":\"%" PRId64 "\",\"_HOSTNAME\":\"%s\","
		        "\"_BOOT_ID\":\"%s\",\"_TRANSPORT\":\"%s\",\"SYSLOG_IDENTIFIER\":",
		        us, h->name, h->boot_id,
		        strcmp(ident, "kernel") == 0 ? "kernel" : "syslog");
		json_string(g->json, ident);
		fputs(",\"MESSAGE\":", g->json);
		json_string(g->json, text);
		fputs("}\n", g->json);
	}
	g->written += (uint64_t)len;
	h->bytes += (uint64_t)len;
}

static void emit_noise(struct generator *g, struct host *h)
{
	char msg[1024];
	g->pid = 1000 + rnd_below(g, 4000000);
	uint32_t kind = rnd_below(g, 10);
	if (kind < 3) {
		noise_cron(g, msg, sizeof(msg));
		emit(g, h, "CRON", msg);
	} else if (kind < 5) {
		noise_sshd(g, msg, sizeof(msg));
		emit(g, h, "sshd", msg);
	} else if (kind < 8) {
		noise_systemd(g, msg, sizeof(msg));
		emit(g, h, "systemd", msg);
	} else {
		noise_kernel(g, msg, sizeof(msg));
		emit(g, h, "kernel", msg);
	}
}

static void emit_report(struct generator *g, struct host *h)
{
	const struct report_template *t = &g->templates[g->events % (uint64_t)g->n_templates];
	g->frozen_usec = now_usec(g);
	for (int i = 0; i < t->n_lines; i++)
		emit(g, h, "kernel", t->lines[i]);
	g->frozen_usec = 0;
	g->events++;
	h->events++;
}

static void schedule_report(struct generator *g)
{
	uint64_t step = g->opt.density_kb * 1024;
	/* jitter of +-50% keeps reports from landing on a fixed stride */
	g->next_report_at = g->written + step / 2 + (rnd(g) >> 11) % (step + 1);
}

static void generate(struct generator *g)
{
	if (g->opt.density_kb)
		schedule_report(g);
	while (g->opt.max_events ? g->events < g->opt.max_events : g->written < g->opt.size) {
		struct host *h = &g->hosts[rnd_below(g, (uint32_t)g->opt.hosts)];
		if (g->opt.density_kb && g->written >= g->next_report_at) {
			emit_report(g, h);
			schedule_report(g);
		} else {
			emit_noise(g, h);
		}
	}
}

/* ---- files ---- */

static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die("cannot create %s", path);
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static void close_out(FILE *f, const char *what)
{
	if (f && fclose(f) != 0)
		die("cannot write %s", what);
}

static void run_tool(const char *tool, const char *path)
{
	char *argv[] = {(char *)tool, "-q", "-k", "-f", "--", (char *)path, NULL};
	pid_t pid;
	int status;
	if (posix_spawnp(&pid, tool, NULL, NULL, argv, environ) != 0)
		die("cannot run %s", tool);
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("compressing %s failed", path);
}

static void compress(const struct generator *g, const char *path)
{
	if (g->opt.formats & FMT_GZ)
		run_tool("gzip", path);
	if (g->opt.formats & FMT_ZST)
		run_tool("zstd", path);
	if (!(g->opt.formats & FMT_PLAIN))
		remove(path);
}

static void setup_hosts(struct generator *g)
{
	char path[MAX_PATH];
	for (int i = 0; i < g->opt.hosts; i++) {
		struct host *h = &g->hosts[i];
		snprintf(h->name, sizeof(h->name), "node%03d", i + 1);
		snprintf(h->boot_id, sizeof(h->boot_id), "%016" PRIx64 "%016" PRIx64, rnd(g),
		         rnd(g));
		h->boot_epoch = START_EPOCH - 3600 - (int64_t)rnd_below(g, 30 * 86400);
		if (g->opt.formats & FMT_HOSTS) {
			snprintf(path, sizeof(path), "%s/hosts/%s.log", g->opt.out, h->name);
			h->file = open_out(path);
		}
	}
}

static void open_outputs(struct generator *g)
{
	char path[MAX_PATH];
	if (mkdir(g->opt.out, 0777) != 0 && errno != EEXIST)
		die("cannot create %s", g->opt.out);
	if (g->opt.formats & FMT_HOSTS) {
		snprintf(path, sizeof(path), "%s/hosts", g->opt.out);
		if (mkdir(path, 0777) != 0 && errno != EEXIST)
			die("cannot create %s", path);
	}
	if (g->opt.formats & (FMT_PLAIN | FMT_GZ | FMT_ZST)) {
		snprintf(path, sizeof(path), "%s/fleet.log", g->opt.out);
		g->central = open_out(path);
	}
	if (g->opt.formats & FMT_JSON) {
		snprintf(path, sizeof(path), "%s/fleet.json", g->opt.out);
		g->json = open_out(path);
	}
	setup_hosts(g);
}

static void close_outputs(struct generator *g)
{
	char path[MAX_PATH];
	close_out(g->json, "fleet.json");
	close_out(g->central, "fleet.log");
	if (g->central) {
		snprintf(path, sizeof(path), "%s/fleet.log", g->opt.out);
		compress(g, path);
	}
	for (int i = 0; i < g->opt.hosts; i++) {
		struct host *h = &g->hosts[i];
		close_out(h->file, h->name);
		if (!h->file)
			continue;
		snprintf(path, sizeof(path), "%s/hosts/%s.log", g->opt.out, h->name);
		if (g->opt.formats & (FMT_GZ | FMT_ZST))
			compress(g, path);
	}
}

/* ---- options ---- */

static unsigned parse_formats(const char *s)
{
	unsigned f = 0;
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "plain") == 0)
			f |= FMT_PLAIN;
		else if (strcmp(tok, "gz") == 0)
			f |= FMT_GZ;
		else if (strcmp(tok, "zst") == 0)
			f |= FMT_ZST;
		else if (strcmp(tok, "json") == 0)
			f |= FMT_JSON;
		else if (strcmp(tok, "hosts") == 0)
			f |= FMT_HOSTS;
		else if (strcmp(tok, "all") == 0)
			f |= FMT_PLAIN | FMT_GZ | FMT_ZST | FMT_JSON | FMT_HOSTS;
		else
			die("unknown format %s (plain, gz, zst, json, hosts, all)", tok);
	}
	return f;
}

/* Accepts 200M, 1G, 64K or plain bytes. */
static uint64_t parse_size(const char *s)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		die("bad size %s", s);
	switch (*end) {
	case 'K':
	case 'k':
		v *= 1e3;
		break;
	case 'M':
	case 'm':
		v *= 1e6;
		break;
	case 'G':
	case 'g':
		v *= 1e9;
		break;
	case '\0':
		break;
	default:
		die("bad size %s", s);
	}
	return (uint64_t)v;
}

static const char USAGE[] =
    "usage: oomsift-bench-gen [--seed N] [--hosts N] [--days N] [--size BYTES[K|M|G]]\n"
    "       [--density KB] [--events N] [--format plain,gz,zst,json,hosts|all] [--data DIR]\n"
    "       [--verbose] --out DIR\n";

static void parse_options(int argc, char **argv, struct options *o)
{
	*o = (struct options){.seed = 1,
	                      .hosts = 20,
	                      .days = 7,
	                      .size = 10000000,
	                      .density_kb = 1024,
	                      .formats = FMT_PLAIN,
	                      .data = OOMSIFT_TEST_DATA};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--verbose") == 0 || strcmp(a, "-v") == 0) {
			o->verbose = true;
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(USAGE, stdout);
			exit(0);
		}
		if (!v)
			die("%s needs a value", a);
		i++;
		if (strcmp(a, "--seed") == 0)
			o->seed = strtoull(v, NULL, 10);
		else if (strcmp(a, "--hosts") == 0)
			o->hosts = atoi(v);
		else if (strcmp(a, "--days") == 0)
			o->days = atoi(v);
		else if (strcmp(a, "--size") == 0)
			o->size = parse_size(v);
		else if (strcmp(a, "--density") == 0)
			o->density_kb = strtoull(v, NULL, 10);
		else if (strcmp(a, "--events") == 0)
			o->max_events = strtoull(v, NULL, 10);
		else if (strcmp(a, "--format") == 0)
			o->formats = parse_formats(v);
		else if (strcmp(a, "--out") == 0)
			o->out = v;
		else if (strcmp(a, "--data") == 0)
			o->data = v;
		else
			die("unknown option %s", a);
	}
	if (!o->out)
		die("%s", "--out DIR is required");
	if (o->hosts < 1 || o->hosts > MAX_HOSTS)
		die("%s", "--hosts must be 1..512");
	if (o->days < 1 || o->days > 300)
		die("%s", "--days must be 1..300 (RFC3164 lines carry no year)");
}

static void print_summary(const struct generator *g)
{
	printf("events: %" PRIu64 "\n", g->events);
	if (!g->opt.verbose)
		return;
	printf("bytes: %" PRIu64 "\nyear: %d\ntemplates: %d\n", g->written, START_YEAR,
	       g->n_templates);
	for (int i = 0; i < g->opt.hosts; i++)
		printf("host %s: events %" PRIu64 " bytes %" PRIu64 "\n", g->hosts[i].name,
		       g->hosts[i].events, g->hosts[i].bytes);
}

int main(int argc, char **argv)
{
	static struct generator g;
	parse_options(argc, argv, &g.opt);
	g.rng = g.opt.seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL;
	load_templates(&g);
	open_outputs(&g);
	generate(&g);
	close_outputs(&g);
	print_summary(&g);
	return 0;
}
