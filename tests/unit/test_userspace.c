/* Unit tests for parse/userspace.c: the user-space and memory-event
 * recognisers of kernel-formats.md §3 and §1.4 as tables (one row per format
 * variant), then the linker through the assembler. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oomsift/envelope.h"
#include "oomsift/event.h"
#include "oomsift/oom.h"
#include "parse/userspace.h"

#define UNSET        OOMSIFT_UNSET
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- expectations as "key=value;key=value" ---- */

/* The value of key in an expectation string, copied to buf; NULL when absent. */
static const char *expected(const char *expect, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);

	for (const char *p = expect; p && *p;) {
		const char *semi = strchr(p, ';');
		size_t n = semi ? (size_t)(semi - p) : strlen(p);
		if (n > klen && p[klen] == '=' && memcmp(p, key, klen) == 0) {
			snprintf(buf, len, "%.*s", (int)(n - klen - 1), p + klen + 1);
			return buf;
		}
		p = semi ? semi + 1 : NULL;
	}
	return NULL;
}

/* Every field named in expect must hold that value; every other must be unset. */
static void check_span(const char *row, const char *expect, const char *key, oomsift_span sp)
{
	char buf[512];
	const char *want = expected(expect, key, buf, sizeof(buf));

	if (!want && sp.ptr)
		fail_msg("%s: %s: expected unset, got '%.*s'", row, key, (int)sp.len, sp.ptr);
	if (want && (!sp.ptr || sp.len != strlen(want) || memcmp(sp.ptr, want, sp.len) != 0))
		fail_msg("%s: %s: expected '%s', got '%.*s'", row, key, want, (int)sp.len,
		         sp.ptr ? sp.ptr : "(unset)");
}

static void check_i64(const char *row, const char *expect, const char *key, int64_t v)
{
	char buf[64];
	const char *want = expected(expect, key, buf, sizeof(buf));

	if (!want && v != UNSET)
		fail_msg("%s: %s: expected unset, got %lld", row, key, (long long)v);
	if (want && v != strtoll(want, NULL, 10))
		fail_msg("%s: %s: expected %s, got %lld", row, key, want, (long long)v);
}

static void check_double(const char *row, const char *expect, const char *key, double v)
{
	char buf[64];
	const char *want = expected(expect, key, buf, sizeof(buf));

	if (!want && !isnan(v))
		fail_msg("%s: %s: expected unset, got %f", row, key, v);
	if (want && !(fabs(v - strtod(want, NULL)) < 1e-9))
		fail_msg("%s: %s: expected %s, got %f", row, key, want, v);
}

static void check_text(const char *row, const char *expect, const char *key, const char *v)
{
	check_span(row, expect, key, (oomsift_span){v[0] ? v : NULL, strlen(v)});
}

static int setup(void **state)
{
	us_patterns *p = NULL;

	if (us_patterns_new(&p) < 0)
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	us_patterns_free(*state);
	return 0;
}

/* ---- us_parse: one row per format variant ---- */

typedef struct us_row {
	const char *name;
	const char *ident;
	const char *msg;
	us_type type;
	const char *expect;
} us_row;

static const us_row us_rows[] = {
    /* §3.1 systemd-oomd */
    {"oomd v247 pressure", "systemd-oomd",
     "Killed /user.slice/user-1000.slice/user@1000.service/app.slice/app-x.scope due to memory "
     "pressure for /user.slice/user-1000.slice/user@1000.service being 55.10% > 50.00% for > 20s",
     US_OOMD_PRESSURE,
     "cgroup=/user.slice/user-1000.slice/user@1000.service/app.slice/app-x.scope;"
     "monitored=/user.slice/user-1000.slice/user@1000.service;pressure=55.10;limit=50.00;"
     "duration=20"},
    {"oomd v248+ pressure", "systemd-oomd",
     "Killed /system.slice/a.service due to memory pressure for /system.slice being 62.43% > "
     "50.00% for > 20s with reclaim activity",
     US_OOMD_PRESSURE,
     "cgroup=/system.slice/a.service;monitored=/system.slice;pressure=62.43;limit=50;"
     "duration=20"},
    {"oomd newest Marked pressure", "systemd-oomd",
     "Marked /system.slice/build.service for killing due to memory pressure for /system.slice "
     "being 81.20% > 60.00% for > 1min 30s with reclaim activity",
     US_OOMD_PRESSURE,
     "cgroup=/system.slice/build.service;monitored=/system.slice;pressure=81.2;limit=60;"
     "duration=90"},
    {"oomd v247-249 swap", "systemd-oomd",
     "Killed /system.slice/b.service due to swap used (8053063680) / total (8589930496) being "
     "more than 90.00%",
     US_OOMD_SWAP,
     "cgroup=/system.slice/b.service;swap_used=8053063680;swap_total_b=8589930496;"
     "swap_limit=90"},
    {"oomd v250+ memory and swap", "systemd-oomd",
     "Killed /system.slice/build.service due to memory used (16422711296) / total "
     "(16628289536) and swap used (3915968512) / total (4294963200) being more than 90.00%",
     US_OOMD_SWAP,
     "cgroup=/system.slice/build.service;mem_used=16422711296;mem_total_b=16628289536;"
     "swap_used=3915968512;swap_total_b=4294963200;swap_limit=90"},
    {"oomd newest Marked swap", "systemd-oomd",
     "Marked /system.slice/c.service for killing due to memory used (1) / total (2) and swap "
     "used (3) / total (4) being more than 80.50%",
     US_OOMD_SWAP,
     "cgroup=/system.slice/c.service;mem_used=1;mem_total_b=2;swap_used=3;swap_total_b=4;"
     "swap_limit=80.5"},
    {"oomd dry run", "systemd-oomd",
     "oomd dry-run: Would have tried to kill /system.slice/d.service and all its descendants",
     US_NONE, ""},
    {"oomd failed", "systemd-oomd",
     "Failed to kill any cgroup(s) under /system.slice based on pressure: No such file", US_NONE,
     ""},
    {"oomd prekill note", "systemd-oomd",
     "No oomd prekill hooks found, proceeding to kill /system.slice/e.service and all its "
     "descendants",
     US_NONE, ""},
    /* §3.2 systemd units */
    {"unit OOM notice", "systemd",
     "mysqld.service: A process of this unit has been killed by the OOM killer.", US_UNIT_OOM,
     "unit=mysqld.service"},
    {"unit OOM notice, escaped scope", "systemd",
     "app-flatpak-com.spotify.Client-5678.scope: A process of this unit has been killed by the "
     "OOM killer.",
     US_UNIT_OOM, "unit=app-flatpak-com.spotify.Client-5678.scope"},
    {"unit oomd N", "systemd",
     "app-gnome-firefox-4321.scope: systemd-oomd killed 27 process(es) in this unit.", US_UNIT_OOMD,
     "unit=app-gnome-firefox-4321.scope;processes=27"},
    {"unit oomd some", "systemd",
     "build.service: systemd-oomd killed some process(es) in this unit.", US_UNIT_OOMD,
     "unit=build.service"},
    {"unit result oom-kill", "systemd", "mysqld.service: Failed with result 'oom-kill'.",
     US_UNIT_RESULT_OOM, "unit=mysqld.service"},
    {"unit SIGKILL exit", "systemd",
     "mysqld.service: Main process exited, code=killed, status=9/KILL", US_UNIT_SIGKILL,
     "unit=mysqld.service"},
    {"unit SIGKILL exit, v219", "systemd",
     "mariadb.service: main process exited, code=killed, status=9/KILL", US_UNIT_SIGKILL,
     "unit=mariadb.service"},
    {"unit result signal", "systemd", "mysqld.service: Failed with result 'signal'.", US_NONE, ""},
    {"unit SIGTERM exit", "systemd",
     "mysqld.service: Main process exited, code=killed, status=15/TERM", US_NONE, ""},
    {"systemd stop kill", "systemd",
     "user@1000.service: Killing process 1234 (java) with signal SIGKILL.", US_NONE, ""},
    /* §3.3 earlyoom */
    {"earlyoom 1.0", "earlyoom", "Killing process 1234 firefox", US_EARLYOOM_KILL,
     "pid=1234;comm=firefox"},
    {"earlyoom 1.0 text under another tag", "systemd", "Killing process 1234 firefox", US_NONE, ""},
    {"earlyoom 1.1", "earlyoom",
     "Killing process: firefox, pid: 1234, badness: 812, VmRSS: 3571 MiB", US_EARLYOOM_KILL,
     "pid=1234;comm=firefox;score=812;rss_mib=3571"},
    {"earlyoom 1.2", "earlyoom",
     "Killing process 'firefox' with signal 15, pid: 1234, badness: 812, VmRSS: 3571 MiB",
     US_EARLYOOM_KILL, "pid=1234;comm=firefox;signal=15;score=812;rss_mib=3571"},
    {"earlyoom 1.3", "earlyoom",
     "sending SIGTERM to process 1234 \"firefox\": badness 812, VmRSS 3571 MiB", US_EARLYOOM_KILL,
     "pid=1234;comm=firefox;signal=SIGTERM;score=812;rss_mib=3571"},
    {"earlyoom 1.4-1.7", "earlyoom",
     "sending SIGKILL to process 1234 uid 1000 \"firefox\": badness 812, VmRSS 3571 MiB",
     US_EARLYOOM_KILL, "pid=1234;uid=1000;comm=firefox;signal=SIGKILL;score=812;rss_mib=3571"},
    {"earlyoom 1.8", "earlyoom",
     "sending SIGTERM to process 5678 uid 1000 \"java\": oom_score 912, VmRSS 10240 MiB, "
     "cmdline \"java -jar app.jar\"",
     US_EARLYOOM_KILL,
     "pid=5678;uid=1000;comm=java;signal=SIGTERM;score=912;rss_mib=10240;"
     "cmdline=java -jar app.jar"},
    {"earlyoom 1.9", "earlyoom",
     "sending SIGTERM to process 5678 uid 1000 \"java\": oom_score 912, oom_score_adj -100, "
     "VmRSS 10240 MiB, cmdline \"java -jar app.jar\"",
     US_EARLYOOM_KILL,
     "pid=5678;uid=1000;comm=java;signal=SIGTERM;score=912;adj=-100;rss_mib=10240;"
     "cmdline=java -jar app.jar"},
    {"earlyoom after 1.9 (badness KiB, ordering)", "earlyoom",
     "sending SIGKILL to process 77 uid 0 \"Web Content\": oom_score 700, oom_score_adj 0, "
     "badness 2263040 KiB, VmRSS 2210 MiB, ordering oom_score, cmdline \"\"",
     US_EARLYOOM_KILL, "pid=77;uid=0;comm=Web Content;signal=SIGKILL;score=700;adj=0;rss_mib=2210"},
    {"earlyoom 1.3+ status", "earlyoom",
     "mem avail:   301 of 15876 MiB ( 1.90%), swap free:  102 of 2047 MiB ( 4.98%)",
     US_EARLYOOM_STATUS, "mem_avail=301;mem_total=15876;swap_free=102;swap_total=2047"},
    {"earlyoom old status", "earlyoom", "mem avail: 5259 MiB (67 %), swap free: 0 MiB (0 %)",
     US_EARLYOOM_STATUS, "mem_avail=5259;swap_free=0"},
    {"earlyoom trigger", "earlyoom",
     "low memory! at or below SIGTERM limits: mem  2.00%, swap  5.00%", US_NONE, ""},
    /* §3.4 kubelet */
    {"kubelet >=1.20 reclaim", "kubelet",
     "I1120 11:00:00.101010    2345 eviction_manager.go:369] \"Eviction manager: attempting "
     "to reclaim\" resourceName=\"memory\"",
     US_K8S_RECLAIM, ""},
    {"kubelet >=1.20 must evict", "kubelet",
     "I1120 11:00:00.201010    2345 eviction_manager.go:380] \"Eviction manager: must evict "
     "pod(s) to reclaim\" resourceName=\"memory\"",
     US_K8S_RECLAIM, ""},
    {"kubelet <=1.19 reclaim", "kubelet",
     "W1120 12:00:00.000000     901 eviction_manager.go:344] eviction manager: attempting to "
     "reclaim memory",
     US_K8S_RECLAIM, ""},
    {"kubelet disk eviction", "kubelet",
     "I1120 11:20:00.000000    2345 eviction_manager.go:369] \"Eviction manager: attempting "
     "to reclaim\" resourceName=\"ephemeral-storage\"",
     US_NONE, ""},
    {"kubelet pod evicted", "kubelet",
     "I1120 11:00:01.301010    2345 eviction_manager.go:598] \"Eviction manager: pod is "
     "evicted successfully\" pod=\"default/web-7d9f8b-abcde\"",
     US_K8S_EVICTED, "pod=default/web-7d9f8b-abcde"},
    {"kubelet SystemOOM event", "kubelet",
     "I1120 10:11:13.123456    2345 event.go:294] \"Event occurred\" object=\"node01\" "
     "reason=\"SystemOOM\" message=\"System OOM encountered, victim process: stress, pid: "
     "4242\"",
     US_K8S_SYSTEM_OOM, "comm=stress;pid=4242"},
    /* §3.5 containerd */
    {"containerd 1.7/2.x TaskOOM", "containerd",
     "time=\"2023-10-12T19:00:20.879932879Z\" level=info msg=\"TaskOOM event "
     "container_id:\\\"25a38b5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f\\\"\"",
     US_CONTAINERD_OOM,
     "container=25a38b5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f"},
    {"containerd 1.2-1.6 TaskOOM", "containerd",
     "time=\"2020-01-01T00:00:00Z\" level=info msg=\"TaskOOM event &TaskOOM{ContainerID:"
     "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0,XXX_unrecognized:[],}\"",
     US_CONTAINERD_OOM,
     "container=9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"},
    {"containerd TaskExit", "containerd",
     "time=\"2023-10-12T19:00:21Z\" level=info msg=\"TaskExit event container_id:\\\"25a3\\\"\"",
     US_NONE, ""},
};

static void test_us_parse_rows(void **state)
{
	us_patterns *p = *state;

	for (size_t i = 0; i < ARRAY_LEN(us_rows); i++) {
		const us_row *r = &us_rows[i];
		us_fields f;
		bool ok = us_parse(p, r->ident, strlen(r->ident), r->msg, strlen(r->msg), &f);

		if (ok != (r->type != US_NONE) || (ok && f.type != r->type))
			fail_msg("%s: type %d, expected %d", r->name, ok ? (int)f.type : 0,
			         (int)r->type);
		if (!ok)
			continue;
		check_span(r->name, r->expect, "unit", f.unit);
		check_span(r->name, r->expect, "cgroup", f.cgroup);
		check_span(r->name, r->expect, "monitored", f.monitored);
		check_span(r->name, r->expect, "comm", f.comm);
		check_span(r->name, r->expect, "cmdline",
		           f.cmdline.len ? f.cmdline : (oomsift_span){0});
		check_span(r->name, r->expect, "signal", f.signal);
		check_span(r->name, r->expect, "container", f.container);
		check_span(r->name, r->expect, "pod", f.pod);
		check_i64(r->name, r->expect, "pid", f.pid);
		check_i64(r->name, r->expect, "uid", f.uid);
		check_i64(r->name, r->expect, "score", f.score);
		check_i64(r->name, r->expect, "adj", f.oom_score_adj);
		check_i64(r->name, r->expect, "rss_mib", f.rss_mib);
		check_i64(r->name, r->expect, "processes", f.processes);
		check_i64(r->name, r->expect, "mem_avail", f.mem_avail_mib);
		check_i64(r->name, r->expect, "mem_total", f.mem_total_mib);
		check_i64(r->name, r->expect, "swap_free", f.swap_free_mib);
		check_i64(r->name, r->expect, "swap_total", f.swap_total_mib);
		/* oomd's figures are bytes */
		check_i64(r->name, r->expect, "mem_used", f.mem_used);
		check_i64(r->name, r->expect, "mem_total_b", f.mem_total);
		check_i64(r->name, r->expect, "swap_used", f.swap_used);
		check_i64(r->name, r->expect, "swap_total_b", f.swap_total);
		check_double(r->name, r->expect, "pressure", f.pressure_pct);
		check_double(r->name, r->expect, "limit", f.pressure_limit_pct);
		check_double(r->name, r->expect, "duration", f.duration_s);
		check_double(r->name, r->expect, "swap_limit", f.swap_limit_pct);
	}
}

/* ---- us_parse_memevent ---- */

typedef struct mem_row {
	const char *name;
	const char *msg;
	int kind; /* -1: not a memory event */
	const char *expect;
} mem_row;

static const mem_row mem_rows[] = {
    {"2.6.32 page allocation failure.", "httpd: page allocation failure. order:1, mode:0x20",
     OOMSIFT_MEM_PAGE_ALLOC_FAILURE, "comm=httpd;order=1;gfp_mask=0x20"},
    {"3.10 page allocation failure:", "swapper/0: page allocation failure: order:2, mode:0x104020",
     OOMSIFT_MEM_PAGE_ALLOC_FAILURE, "comm=swapper/0;order=2;gfp_mask=0x104020"},
    {"4.4 page allocation failure (order:%u)",
     "java: page allocation failure: order:0, mode:0x2080020", OOMSIFT_MEM_PAGE_ALLOC_FAILURE,
     "comm=java;order=0;gfp_mask=0x2080020"},
    {"4.9-4.14 with flags and nodemask",
     "kworker/u16:3: page allocation failure: order:4, mode:0x14040c0(GFP_KERNEL|__GFP_COMP), "
     "nodemask=(null)",
     OOMSIFT_MEM_PAGE_ALLOC_FAILURE,
     "comm=kworker/u16:3;order=4;gfp_mask=0x14040c0;gfp_flags=GFP_KERNEL|__GFP_COMP"},
    {"4.19 nodemask list",
     "qemu-kvm: page allocation failure: order:9, mode:0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), "
     "nodemask=0-1",
     OOMSIFT_MEM_PAGE_ALLOC_FAILURE,
     "comm=qemu-kvm;order=9;gfp_mask=0x6280ca;gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_ZERO"},
    {"5.0+ one line",
     "kworker/u8:1: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), "
     "nodemask=(null),cpuset=/,mems_allowed=0",
     OOMSIFT_MEM_PAGE_ALLOC_FAILURE,
     "comm=kworker/u8:1;order=4;gfp_mask=0x40cc0;gfp_flags=GFP_KERNEL|__GFP_COMP"},
    {"comm with spaces and a colon",
     "Web Content: x: page allocation failure: order:0, mode:0x0(), nodemask=(null)",
     OOMSIFT_MEM_PAGE_ALLOC_FAILURE, "comm=Web Content: x;order=0;gfp_mask=0x0"},
    {"mode 0 printed by %#x", "a: page allocation failure: order:3, mode:0(), nodemask=(null)",
     OOMSIFT_MEM_PAGE_ALLOC_FAILURE, "comm=a;order=3;gfp_mask=0"},
    {"4.10-4.14 stall",
     "java: page allocation stalls for 10024ms, order:0, mode:0x14200ca(GFP_HIGHUSER_MOVABLE), "
     "nodemask=(null)",
     OOMSIFT_MEM_PAGE_ALLOC_STALL,
     "comm=java;order=0;gfp_mask=0x14200ca;gfp_flags=GFP_HIGHUSER_MOVABLE"},
    {"4.9-4.19 vmalloc allocated of", "vmalloc: allocation failure, allocated 12288 of 16384 bytes",
     OOMSIFT_MEM_VMALLOC_FAILURE, "bytes=16384"},
    {"4.9-4.19 vmalloc bytes",
     "insmod: vmalloc: allocation failure: 1048576 bytes, "
     "mode:0x24000c2(GFP_KERNEL|__GFP_HIGHMEM), "
     "nodemask=(null)",
     OOMSIFT_MEM_VMALLOC_FAILURE,
     "comm=insmod;bytes=1048576;gfp_mask=0x24000c2;gfp_flags=GFP_KERNEL|__GFP_HIGHMEM"},
    {"5.x vmalloc error",
     "insmod: vmalloc error: size 8192, failed to allocate pages, mode:0xcc0(GFP_KERNEL), "
     "nodemask=(null),cpuset=/,mems_allowed=0",
     OOMSIFT_MEM_VMALLOC_FAILURE, "comm=insmod;bytes=8192;gfp_mask=0xcc0;gfp_flags=GFP_KERNEL"},
    {"5.13+ vmalloc error with page order",
     "modprobe: vmalloc error: size 8388608, page order 9, failed to allocate pages, "
     "mode:0xdc2(GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0",
     OOMSIFT_MEM_VMALLOC_FAILURE,
     "comm=modprobe;bytes=8388608;order=9;gfp_mask=0xdc2;"
     "gfp_flags=GFP_KERNEL|__GFP_HIGHMEM|__GFP_ZERO"},
    {"5.x vmalloc vm_struct", "insmod: vmalloc error: size 8192, vm_struct allocation failed",
     OOMSIFT_MEM_VMALLOC_FAILURE, "comm=insmod;bytes=8192"},
    {"6.6-6.8 overcommit refusal",
     "__vm_enough_memory: pid: 1234, comm: java, not enough memory for the allocation",
     OOMSIFT_MEM_OVERCOMMIT_REFUSAL, "pid=1234;comm=java"},
    {"6.12+ overcommit refusal with bytes",
     "__vm_enough_memory: pid: 1234, comm: java, bytes: 4096 not enough memory for the allocation",
     OOMSIFT_MEM_OVERCOMMIT_REFUSAL, "pid=1234;comm=java;bytes=4096"},
    {"6.1-stable overcommit refusal",
     "__vm_enough_memory: pid: 3450, comm: xz, no enough memory for the allocation",
     OOMSIFT_MEM_OVERCOMMIT_REFUSAL, "pid=3450;comm=xz"},
    {"overcommit comm with a comma",
     "__vm_enough_memory: pid: 7, comm: a, b, not enough memory for the allocation",
     OOMSIFT_MEM_OVERCOMMIT_REFUSAL, "pid=7;comm=a, b"},
    {"SysRq-m", "sysrq: Show Memory", -1, ""},
    {"VM_FAULT_OOM leak", "Huh VM_FAULT_OOM leaked out to the #PF handler. Retrying PF", -1, ""},
};

static void test_memevent_rows(void **state)
{
	us_patterns *p = *state;

	for (size_t i = 0; i < ARRAY_LEN(mem_rows); i++) {
		const mem_row *r = &mem_rows[i];
		oomsift_memevent me;
		bool ok = us_parse_memevent(p, r->msg, strlen(r->msg), &me);

		if (ok != (r->kind >= 0) || (ok && (int)me.kind != r->kind))
			fail_msg("%s: kind %d, expected %d", r->name, ok ? (int)me.kind : -1,
			         r->kind);
		if (!ok)
			continue;
		check_text(r->name, r->expect, "comm", me.comm);
		check_text(r->name, r->expect, "gfp_mask", me.gfp_mask);
		check_text(r->name, r->expect, "gfp_flags", me.gfp_flags);
		check_i64(r->name, r->expect, "pid", me.pid);
		check_i64(r->name, r->expect, "order", me.alloc_order);
		check_i64(r->name, r->expect, "bytes", me.bytes);
		assert_string_equal(me.message, r->msg);
	}
}

static void test_timespan(void **state)
{
	static const struct {
		const char *text;
		double seconds; /* NAN: not a timespan */
	} rows[] = {
	    {"20s", 20},   {"1min 30s", 90}, {"1.500s", 1.5},    {"2h 5min", 7500}, {"100ms", 0.1},
	    {"1d", 86400}, {"3w", 1814400},  {"250us", 0.00025}, {"abc", NAN},      {"", NAN},
	    {"20", NAN},   {"20 s", NAN},    {"20sec", NAN},
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(rows); i++) {
		double v = us_parse_timespan(rows[i].text, strlen(rows[i].text));
		if (isnan(rows[i].seconds) ? !isnan(v) : !(fabs(v - rows[i].seconds) < 1e-9))
			fail_msg("'%s': %f, expected %f", rows[i].text, v, rows[i].seconds);
	}
}

/* ---- the linker, through the assembler ---- */

#include "pipeline.h"

static void pipeline_init(pipeline *p)
{
	pipeline_init_at(p, 2024, 1735000000);
}

/* The events in order of their first line. */
static int by_line(const void *a, const void *b)
{
	const oomsift_event *x = *(oomsift_event *const *)a, *y = *(oomsift_event *const *)b;

	return x->line < y->line ? -1 : x->line > y->line;
}

static void sort_events(pipeline *p)
{
	qsort(p->out.ev, p->out.n, sizeof(p->out.ev[0]), by_line);
}

/* A 5.x memcg kill of `unit` at second `sec` of 10:11 (three lines). */
#define MEMCG_KILL(sec, unit, pid)                                                                 \
	"Nov 20 10:11:" sec                                                                        \
	" h kernel: x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "                   \
	"oom_score_adj=0",                                                                         \
	    "Nov 20 10:11:" sec " h kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null)," \
	    "cpuset=/,mems_allowed=0,oom_memcg=/system.slice/" unit                                \
	    ",task_memcg=/system.slice/" unit ",task=x,pid=" pid ",uid=0",                         \
	    "Nov 20 10:11:" sec " h kernel: Memory cgroup out of memory: Killed process " pid      \
	    " (x) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 "            \
	    "pgtables:40kB "                                                                       \
	    "oom_score_adj:0"

/* A 4.x global kill, which names no cgroup (two lines). */
#define GLOBAL_KILL(sec, pid)                                                                      \
	"Nov 20 10:11:" sec                                                                        \
	" h kernel: x invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), "              \
	"nodemask=(null), order=0, oom_score_adj=0",                                               \
	    "Nov 20 10:11:" sec " h kernel: Out of memory: Kill process " pid " (x) score 900 or " \
	    "sacrifice child",                                                                     \
	    "Nov 20 10:11:" sec " h kernel: Killed process " pid                                   \
	    " (x) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB"

static void test_earlyoom_term_then_kill_is_one_event(void **state)
{
	static const char *const lines[] = {
	    "Nov 20 10:11:10 h earlyoom[1]: sending SIGTERM to process 5 uid 0 \"a\": oom_score 9, "
	    "VmRSS 1 MiB, cmdline \"a\"",
	    "Nov 20 10:11:10 h earlyoom[1]: sending SIGTERM to process 6 uid 0 \"b\": oom_score 8, "
	    "VmRSS 2 MiB, cmdline \"b\"",
	    "Nov 20 10:11:20 h earlyoom[1]: sending SIGKILL to process 5 uid 0 \"a\": oom_score 9, "
	    "VmRSS 1 MiB, cmdline \"a\"",
	    /* the same pid far later is another kill (pids are reused) */
	    "Nov 20 10:14:00 h earlyoom[1]: sending SIGTERM to process 5 uid 0 \"a\": oom_score 9, "
	    "VmRSS 1 MiB, cmdline \"a\"",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	sort_events(&p);
	assert_int_equal(p.out.n, 3);
	assert_int_equal(p.out.ev[0]->victim_pid, 5);
	assert_string_equal(p.out.ev[0]->kill_signal, "SIGKILL");
	assert_int_equal(p.out.ev[0]->nkills, 1);
	assert_non_null(strstr(p.out.ev[0]->raw.data, "SIGKILL to process 5"));
	assert_int_equal(p.out.ev[1]->victim_pid, 6);
	assert_string_equal(p.out.ev[1]->kill_signal, "SIGTERM");
	assert_int_equal(p.out.ev[2]->victim_pid, 5);
	assert_string_equal(p.out.ev[2]->kill_signal, "SIGTERM");
	assert_memory_not_equal(p.out.ev[0]->fingerprint, p.out.ev[2]->fingerprint, 16);
	pipeline_free(&p);
}

static void test_notice_links_to_open_report(void **state)
{
	static const char *const lines[] = {
	    MEMCG_KILL("12", "mysqld.service", "1234"),
	    "Nov 20 10:11:12 h systemd[1]: mysqld.service: A process of this unit has been killed "
	    "by "
	    "the OOM killer.",
	    "Nov 20 10:11:12 h systemd[1]: mysqld.service: Failed with result 'oom-kill'.",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_int_equal(p.out.ev[0]->kind, OOMSIFT_MEMCG_OOM);
	assert_string_equal(p.out.ev[0]->unit, "mysqld.service");
	assert_string_equal(p.out.ev[0]->unit_result, "oom-kill");
	assert_string_equal(p.out.ev[0]->seen_by, "systemd");
	/* the open report keeps its lines itself: each notice is there once */
	const char *first = strstr(p.out.ev[0]->raw.data, "Failed with result");
	assert_non_null(first);
	assert_null(strstr(first + 1, "Failed with result"));
	pipeline_free(&p);
}

static void test_notice_links_to_closed_report(void **state)
{
	static const char *const lines[] = {
	    MEMCG_KILL("12", "a.service", "11"),
	    MEMCG_KILL("12", "b.service", "22"),
	    MEMCG_KILL("13", "c.service", "33"),
	    "Nov 20 10:11:15 h systemd[1]: a.service: A process of this unit has been killed by "
	    "the "
	    "OOM killer.",
	    "Nov 20 10:11:15 h systemd[1]: b.service: Main process exited, code=killed, "
	    "status=9/KILL",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	sort_events(&p);
	assert_int_equal(p.out.n, 3);
	assert_string_equal(p.out.ev[0]->unit, "a.service");
	assert_non_null(strstr(p.out.ev[0]->raw.data, "a.service: A process"));
	/* a SIGKILL exit links too, but sets no result */
	assert_string_equal(p.out.ev[1]->unit, "b.service");
	assert_null(p.out.ev[1]->unit_result);
	assert_null(p.out.ev[2]->unit);
	pipeline_free(&p);
}

static void test_notice_before_report_is_folded_in(void **state)
{
	static const char *const lines[] = {
	    "Nov 20 10:11:11 h systemd[1]: redis.service: A process of this unit has been killed "
	    "by "
	    "the OOM killer.",
	    "Nov 20 10:11:11 h systemd[1]: redis.service: Failed with result 'oom-kill'.",
	    MEMCG_KILL("12", "redis.service", "44"),
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_int_equal(p.out.ev[0]->kind, OOMSIFT_MEMCG_OOM);
	assert_string_equal(p.out.ev[0]->unit, "redis.service");
	assert_string_equal(p.out.ev[0]->unit_result, "oom-kill");
	assert_non_null(strstr(p.out.ev[0]->raw.data, "redis.service: A process"));
	pipeline_free(&p);
}

static void test_notice_for_other_unit_stands_alone(void **state)
{
	static const char *const lines[] = {
	    MEMCG_KILL("12", "a.service", "11"),
	    "Nov 20 10:11:12 h systemd[1]: other.service: A process of this unit has been killed "
	    "by "
	    "the OOM killer.",
	    /* a SIGKILL exit alone proves nothing: no event */
	    "Nov 20 10:11:12 h systemd[1]: third.service: Main process exited, code=killed, "
	    "status=9/KILL",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	sort_events(&p);
	assert_int_equal(p.out.n, 2);
	assert_null(p.out.ev[0]->unit);
	assert_int_equal(p.out.ev[1]->kind, OOMSIFT_SYSTEMD_OOM);
	assert_string_equal(p.out.ev[1]->unit, "other.service");
	assert_string_equal(p.out.ev[1]->kill_reason, "OOM killer");
	assert_true(oomsift_event_complete(p.out.ev[1]));
	pipeline_free(&p);
}

static void test_sole_kill_without_cgroup(void **state)
{
	static const char *const one[] = {
	    GLOBAL_KILL("12", "11"),
	    "Nov 20 10:11:12 h systemd[1]: a.service: A process of this unit has been killed by "
	    "the "
	    "OOM killer.",
	};
	static const char *const two[] = {
	    GLOBAL_KILL("12", "11"),
	    GLOBAL_KILL("12", "22"),
	    "Nov 20 10:11:12 h systemd[1]: a.service: A process of this unit has been killed by "
	    "the "
	    "OOM killer.",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, one);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_string_equal(p.out.ev[0]->unit, "a.service");
	pipeline_free(&p);

	/* Two kills without cgroups: which one is a.service's is unknown. */
	pipeline_init(&p);
	FEED(&p, two);
	pipeline_finish(&p);
	sort_events(&p);
	assert_int_equal(p.out.n, 3);
	assert_null(p.out.ev[0]->unit);
	assert_null(p.out.ev[1]->unit);
	assert_int_equal(p.out.ev[2]->kind, OOMSIFT_SYSTEMD_OOM);
	pipeline_free(&p);
}

static void test_nested_unit_keeps_deepest(void **state)
{
	static const char *const lines[] = {
	    "Nov 20 10:11:12 h kernel: x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
	    "oom_score_adj=0",
	    "Nov 20 10:11:12 h kernel: "
	    "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
	    "mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/user@1000.service/"
	    "app.slice/app-x.scope,task=x,pid=9,uid=1000",
	    "Nov 20 10:11:12 h kernel: Out of memory: Killed process 9 (x) total-vm:1000kB, "
	    "anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:40kB oom_score_adj:0",
	    "Nov 20 10:11:12 h systemd[1901]: app-x.scope: A process of this unit has been killed "
	    "by "
	    "the OOM killer.",
	    "Nov 20 10:11:12 h systemd[1]: user@1000.service: A process of this unit has been "
	    "killed "
	    "by the OOM killer.",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_string_equal(p.out.ev[0]->unit, "app-x.scope");
	assert_string_equal(p.out.ev[0]->seen_by, "systemd");
	pipeline_free(&p);
}

static void test_containerd_and_kubelet_link(void **state)
{
	static const char *const lines[] = {
	    "Nov 20 10:11:12 h kernel: x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
	    "oom_score_adj=0",
	    "Nov 20 10:11:12 h kernel: Task in /kubepods/burstable/pod1/"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef killed as a result "
	    "of "
	    "limit of /kubepods/burstable/pod1",
	    "Nov 20 10:11:12 h kernel: Memory cgroup out of memory: Killed process 77 (x) "
	    "total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB",
	    "Nov 20 10:11:12 h containerd[5]: time=\"x\" level=info msg=\"TaskOOM event "
	    "&TaskOOM{ContainerID:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef,"
	    "XXX_unrecognized:[],}\"",
	    "Nov 20 10:11:13 h kubelet[6]: I1120 10:11:13.000000 6 event.go:1] System OOM "
	    "encountered, victim process: x, pid: 77",
	    /* a kubelet SystemOOM for a pid no kill shows is dropped */
	    "Nov 20 10:11:13 h kubelet[6]: I1120 10:11:13.000000 6 event.go:1] System OOM "
	    "encountered, victim process: y, pid: 78",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_string_equal(p.out.ev[0]->container_id,
	                    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	assert_string_equal(p.out.ev[0]->seen_by, "containerd,kubelet");
	pipeline_free(&p);
}

static void test_oomd_marked_then_killed_is_one_event(void **state)
{
	static const char *const lines[] = {
	    "Nov 20 10:11:12 h systemd-oomd[8]: Marked /system.slice/a.service for killing due to "
	    "memory pressure for /system.slice being 81.20% > 60.00% for > 20s with reclaim "
	    "activity",
	    "Nov 20 10:11:12 h systemd-oomd[8]: Killed /system.slice/a.service due to memory "
	    "pressure "
	    "for /system.slice being 81.20% > 60.00% for > 20s with reclaim activity",
	    /* a notice for another unit is no follow-up of this kill */
	    "Nov 20 10:11:12 h systemd[1]: b.service: systemd-oomd killed 2 process(es) in this "
	    "unit.",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	sort_events(&p);
	assert_int_equal(p.out.n, 2);
	assert_int_equal(p.out.ev[0]->kind, OOMSIFT_OOMD_KILL);
	assert_null(p.out.ev[0]->unit);
	assert_non_null(strstr(p.out.ev[0]->raw.data, "Killed /system.slice/a.service"));
	assert_int_equal(p.out.ev[1]->kind, OOMSIFT_SYSTEMD_OOM);
	assert_string_equal(p.out.ev[1]->kill_reason, "systemd-oomd");
	assert_int_equal(p.out.ev[1]->oomd_killed_processes, 2);
	pipeline_free(&p);
}

static void test_held_events_released_by_log_time(void **state)
{
	static const char *const first[] = {
	    "Nov 20 10:11:10 h earlyoom[1]: sending SIGTERM to process 5 uid 0 \"a\": oom_score 9, "
	    "VmRSS 1 MiB, cmdline \"a\"",
	    "Nov 20 10:11:20 h earlyoom[1]: mem avail: 100 of 200 MiB (50.00%), swap free: 0 of 0 "
	    "MiB "
	    "( 0.00%)",
	};
	static const char *const later[] = {
	    "Nov 20 10:11:26 h earlyoom[1]: mem avail: 100 of 200 MiB (50.00%), swap free: 0 of 0 "
	    "MiB "
	    "( 0.00%)",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, first);
	assert_int_equal(p.out.n, 0); /* 10 s: still held */
	FEED(&p, later);
	assert_int_equal(p.out.n, 1); /* 16 s: handed on */
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	pipeline_free(&p);
}

static void test_many_events_in_one_second(void **state)
{
	char lines[100][160];
	const char *ptrs[100];
	pipeline p;

	(void)state;
	for (int i = 0; i < 100; i++) {
		snprintf(
		    lines[i], sizeof(lines[i]),
		    "Nov 20 10:11:10 h earlyoom[1]: sending SIGTERM to process %d uid 0 \"a\": "
		    "oom_score 9, VmRSS 1 MiB",
		    1000 + i);
		ptrs[i] = lines[i];
	}
	pipeline_init(&p);
	pipeline_feed(&p, ptrs, 100);
	/* Held events are bounded: the oldest go on before the log clock moves. */
	assert_true(p.out.n >= 100 - 64);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 100);
	pipeline_free(&p);
}

static void test_boot_delivers_held(void **state)
{
	static const char *const lines[] = {
	    MEMCG_KILL("12", "a.service", "11"),
	    "Nov 20 10:11:13 h kernel: Linux version 6.1.0-18-amd64 "
	    "(debian-kernel@lists.debian.org)",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	assert_int_equal(p.out.n, 1);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	pipeline_free(&p);
}

static void test_user_lines_without_tag_are_kernel_text(void **state)
{
	/* Raw dmesg carries no tag: its lines are kernel text, never user-space events. */
	static const char *const lines[] = {
	    "[  100.000000] systemd[1]: nginx.service: A process of this unit has been killed by "
	    "the "
	    "OOM killer.",
	    "[  100.100000] sending SIGTERM to process 5 uid 0 \"a\": oom_score 9, VmRSS 1 MiB",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 0);
	pipeline_free(&p);
}

static void test_memevent_pid_from_stack_header(void **state)
{
	static const char *const lines[] = {
	    "[ 10.000000] kworker/u8:1: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|"
	    "__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0",
	    "[ 10.000010] CPU: 0 PID: 31337 Comm: kworker/u8:1 Not tainted 6.1.0-18-amd64 #1",
	    /* a stack header of another task does not lend its pid */
	    "[ 20.000000] a: page allocation failure: order:0, mode:0x20",
	    "[ 20.000010] CPU: 0 PID: 42 Comm: b Not tainted 6.1.0-18-amd64 #1",
	    /* no stack header within a few records: no pid */
	    "[ 30.000000] c: page allocation failure: order:1, mode:0x20",
	    "[ 30.000001] Call Trace:",
	    "[ 30.000002]  dump_stack+0x1/0x2",
	    "[ 30.000003]  warn_alloc+0x1/0x2",
	    "[ 30.000004]  __alloc_pages+0x1/0x2",
	    "[ 30.000005]  kmalloc+0x1/0x2",
	    "[ 30.000006] CPU: 0 PID: 43 Comm: c Not tainted 6.1.0-18-amd64 #1",
	    "[ 40.000000] __vm_enough_memory: pid: 99, comm: stress, not enough memory for the "
	    "allocation",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 0);
	assert_int_equal(p.out.nmem, 4);
	assert_int_equal(p.out.mem[0].kind, OOMSIFT_MEM_PAGE_ALLOC_FAILURE);
	assert_int_equal(p.out.mem[0].pid, 31337);
	assert_string_equal(p.out.mem[0].host, "testhost");
	assert_true(p.out.mem[0].has_uptime);
	assert_int_equal(p.out.mem[0].line, 1);
	assert_int_equal(p.out.mem[1].pid, UNSET);
	assert_string_equal(p.out.mem[1].comm, "a");
	assert_int_equal(p.out.mem[2].pid, UNSET);
	assert_int_equal(p.out.mem[3].kind, OOMSIFT_MEM_OVERCOMMIT_REFUSAL);
	assert_int_equal(p.out.mem[3].pid, 99);
	pipeline_free(&p);
}

static void test_memevent_inside_report_keeps_report(void **state)
{
	static const char *const lines[] = {
	    "[ 10.000000] x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
	    "oom_score_adj=0",
	    "[ 10.000100] __vm_enough_memory: pid: 99, comm: y, not enough memory for the "
	    "allocation",
	    "[ 10.000200] Out of memory: Killed process 7 (x) total-vm:1000kB, anon-rss:900kB, "
	    "file-rss:0kB, shmem-rss:0kB",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_true(oomsift_event_complete(p.out.ev[0]));
	assert_int_equal(p.out.nmem, 1);
	pipeline_free(&p);
}

static void test_memevent_callback_error_stops(void **state)
{
	static const char *const lines[] = {
	    "[ 40.000000] __vm_enough_memory: pid: 99, comm: stress, not enough memory for the "
	    "allocation",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	p.out.fail_mem = -7;
	assert_int_equal(pipeline_feed_rc(&p, lines, ARRAY_LEN(lines)), -7);
	pipeline_free(&p);

	/* Without a callback memory events are not parsed at all. */
	pipeline_init(&p);
	oomsift_assembler_set_memevent_cb(p.as, NULL, NULL);
	p.out.fail_mem = -7;
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.nmem, 0);
	pipeline_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_us_parse_rows, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_memevent_rows, setup, teardown),
	    cmocka_unit_test(test_timespan),
	    cmocka_unit_test(test_earlyoom_term_then_kill_is_one_event),
	    cmocka_unit_test(test_notice_links_to_open_report),
	    cmocka_unit_test(test_notice_links_to_closed_report),
	    cmocka_unit_test(test_notice_before_report_is_folded_in),
	    cmocka_unit_test(test_notice_for_other_unit_stands_alone),
	    cmocka_unit_test(test_sole_kill_without_cgroup),
	    cmocka_unit_test(test_nested_unit_keeps_deepest),
	    cmocka_unit_test(test_containerd_and_kubelet_link),
	    cmocka_unit_test(test_oomd_marked_then_killed_is_one_event),
	    cmocka_unit_test(test_held_events_released_by_log_time),
	    cmocka_unit_test(test_many_events_in_one_second),
	    cmocka_unit_test(test_boot_delivers_held),
	    cmocka_unit_test(test_user_lines_without_tag_are_kernel_text),
	    cmocka_unit_test(test_memevent_pid_from_stack_header),
	    cmocka_unit_test(test_memevent_inside_report_keeps_report),
	    cmocka_unit_test(test_memevent_callback_error_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
