/* Unit tests for parse/oom.c: the per-host report assembler, fed by the envelope. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pipeline.h"

static void pipeline_init(pipeline *p)
{
	pipeline_init_at(p, 2023, 1700000000);
}

/* The first Mem-Info value with this key, or NULL. */
static const oomsift_kv *find_kv(const oomsift_event *ev, const char *key)
{
	for (size_t i = 0; i < ev->nkvs; i++)
		if (strcmp(ev->kvs[i].key, key) == 0)
			return &ev->kvs[i];
	return NULL;
}

/* A 5.15 global OOM report as raw dmesg prints it (continuation lines included). */
static const char *const report[] = {
    "[  100.000000] stress invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), "
    "order=0, oom_score_adj=0",
    "[  100.000010] CPU: 1 PID: 4242 Comm: stress Not tainted 5.15.0-91-generic #101-Ubuntu",
    "[  100.000020] Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)",
    "[  100.000030] Call Trace:",
    "[  100.000031]  <TASK>",
    "[  100.000032]  dump_stack_lvl+0x4a/0x63",
    "[  100.000033]  </TASK>",
    "[  100.000040] Mem-Info:",
    "[  100.000050] active_anon:1000 inactive_anon:2000 isolated_anon:0",
    "                active_file:10 inactive_file:20 isolated_file:0",
    "                free:300 free_pcp:4 free_cma:0",
    "[  100.000060] Node 0 DMA32 free:12000kB min:5000kB low:6000kB high:7000kB",
    "[  100.000070] Free swap  = 0kB",
    "[  100.000071] Total swap = 0kB",
    "[  100.000072] 524158 pages RAM",
    "[  100.000080] Tasks state (memory values in pages):",
    "[  100.000090] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents "
    "oom_score_adj name",
    "[  100.000100] [    400]     0   400     5000      300    65536        0             0 "
    "sshd",
    "[  100.000110] [   4242]     0  4242   500000   400000  3276800        0             0 "
    "stress",
    "[  100.000120] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
    "mems_allowed=0,global_oom,task_memcg=/user.slice,task=stress,pid=4242,uid=0",
    "[  100.000130] Out of memory: Killed process 4242 (stress) total-vm:2000000kB, "
    "anon-rss:1600000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:3200kB oom_score_adj:0",
};

static void test_complete_report(void **state)
{
	pipeline p;
	oomsift_event *ev;

	(void)state;
	pipeline_init(&p);
	FEED(&p, report);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	ev = p.out.ev[0];
	assert_true(ev->has_header);
	assert_true(ev->has_kill);
	assert_true(oomsift_event_complete(ev));
	assert_int_equal(ev->kind, OOMSIFT_KERNEL_OOM);
	assert_string_equal(ev->host, "testhost");
	assert_true(ev->has_uptime);
	assert_false(ev->has_ts);
	assert_int_equal(ev->line, 1);
	assert_string_equal(ev->trigger_comm, "stress");
	assert_int_equal(ev->trigger_pid, 4242);
	assert_string_equal(ev->kernel, "5.15.0-91-generic");
	assert_string_equal(ev->gfp_flags, "GFP_HIGHUSER_MOVABLE");
	assert_string_equal(ev->oom_constraint, "CONSTRAINT_NONE");
	assert_int_equal(ev->victim_pid, 4242);
	assert_string_equal(ev->victim_comm, "stress");
	assert_int_equal(ev->victim_anon_rss_kb, 1600000);
	assert_string_equal(ev->kill_reason, "Out of memory");
	assert_int_equal(ev->nkills, 1);
	assert_int_equal(oomsift_event_kill_count(ev), 1);
	assert_true(ev->has_task_table);
	assert_int_equal(ev->ntasks, 2);
	assert_int_equal(ev->tasks[1].pid, 4242);
	assert_string_equal(ev->tasks[1].name, "stress");
	assert_int_equal(ev->swap_free_kb, 0);
	assert_int_equal(ev->ram_pages, 524158);
	/* Mem-Info continuation lines reached the bag. */
	assert_non_null(find_kv(ev, "active_anon"));
	assert_int_equal(find_kv(ev, "active_anon")->value, 1000);
	assert_non_null(find_kv(ev, "active_file"));
	assert_int_equal(find_kv(ev, "active_file")->value, 10);
	assert_non_null(find_kv(ev, "free_pcp"));
	/* The raw text holds every physical line of the report. */
	assert_non_null(ev->raw.data);
	assert_non_null(strstr(ev->raw.data, "invoked oom-killer"));
	assert_non_null(strstr(ev->raw.data, "                active_file:10"));
	assert_non_null(strstr(ev->raw.data, "Killed process 4242"));
	pipeline_free(&p);
}

static void test_two_reports_back_to_back(void **state)
{
	static const char *const second[] = {
	    "[  101.000000] java invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), "
	    "order=0, oom_score_adj=0",
	    "[  101.000010] Out of memory: Killed process 5555 (java) total-vm:1000kB, "
	    "anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:40kB oom_score_adj:0",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, report);
	FEED(&p, second);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 2);
	assert_true(oomsift_event_complete(p.out.ev[0]));
	assert_true(oomsift_event_complete(p.out.ev[1]));
	assert_int_equal(p.out.ev[0]->victim_pid, 4242);
	assert_string_equal(p.out.ev[1]->trigger_comm, "java");
	assert_int_equal(p.out.ev[1]->victim_pid, 5555);
	assert_int_equal(p.out.ev[1]->victim_uid, 1000);
	assert_int_equal(p.out.ev[1]->nkills, 1);
	/* The second report has no task table of its own. */
	assert_false(p.out.ev[1]->has_task_table);
	assert_int_equal(p.out.ev[1]->ntasks, 0);
	pipeline_free(&p);
}

static void test_orphan_kill(void **state)
{
	static const char *const lines[] = {
	    "[  500.000000] e1000e: eth0 NIC Link is Up",
	    "[  500.100000] Out of memory: Killed process 777 (java) total-vm:1000kB, "
	    "anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_false(p.out.ev[0]->has_header);
	assert_true(p.out.ev[0]->has_kill);
	assert_false(oomsift_event_complete(p.out.ev[0]));
	assert_int_equal(p.out.ev[0]->victim_pid, 777);
	assert_string_equal(p.out.ev[0]->victim_comm, "java");
	assert_int_equal(p.out.ev[0]->line, 2);
	pipeline_free(&p);
}

static void test_header_only(void **state)
{
	pipeline p;

	(void)state;
	pipeline_init(&p);
	/* The first three lines of the report, then the input ends. */
	pipeline_feed(&p, report, 3);
	assert_int_equal(p.out.n, 0);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_true(p.out.ev[0]->has_header);
	assert_false(p.out.ev[0]->has_kill);
	assert_false(oomsift_event_complete(p.out.ev[0]));
	assert_int_equal(p.out.ev[0]->nkills, 0);
	assert_int_equal(p.out.ev[0]->trigger_pid, 4242);
	pipeline_free(&p);
}

static void test_lookalike_meminfo_ignored(void **state)
{
	static const char *const lines[] = {
	    "[  100.000000] stress invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), "
	    "order=0, oom_score_adj=0",
	    "[  100.000040] Mem-Info:",
	    "[  100.000050] active_anon:1000 inactive_anon:2000 isolated_anon:0",
	    "[  100.000060] kworker/u8:1: page allocation failure: order:4, "
	    "mode:0x40cc0(GFP_KERNEL|__GFP_COMP), nodemask=(null),cpuset=/,mems_allowed=0",
	    "[  100.000070] Mem-Info:",
	    "[  100.000080] active_anon:999 inactive_anon:888 isolated_anon:0 unevictable:777",
	    "[  100.000090] Out of memory: Killed process 4242 (stress) total-vm:2000000kB, "
	    "anon-rss:1600000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:3200kB "
	    "oom_score_adj:0",
	};
	pipeline p;
	oomsift_event *ev;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	ev = p.out.ev[0];
	assert_true(oomsift_event_complete(ev));
	/* Only the report's own three counters; none of the failure's. */
	assert_int_equal(ev->nkvs, 3);
	assert_int_equal(find_kv(ev, "active_anon")->value, 1000);
	assert_int_equal(find_kv(ev, "inactive_anon")->value, 2000);
	assert_null(find_kv(ev, "unevictable"));
	pipeline_free(&p);
}

static void test_oom_group(void **state)
{
	static const char *const lines[] = {
	    "[  200.000000] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
	    "oom_score_adj=0",
	    "[  200.000010] memory: usage 102400kB, limit 102400kB, failcnt 10",
	    "[  200.000020] swap: usage 0kB, limit 0kB, failcnt 0",
	    "[  200.000030] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
	    "mems_allowed=0,oom_memcg=/grp,task_memcg=/grp/a,task=a,pid=100,uid=0",
	    "[  200.000040] Memory cgroup out of memory: Killed process 100 (a) total-vm:1000kB, "
	    "anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0",
	    "[  200.000050] Tasks in /grp are going to be killed due to memory.oom.group set",
	    "[  200.000060] Memory cgroup out of memory: Killed process 101 (b) total-vm:2000kB, "
	    "anon-rss:800kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0",
	    "[  200.000070] Memory cgroup out of memory: Killed process 102 (c) total-vm:3000kB, "
	    "anon-rss:700kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:0",
	};
	pipeline p;
	oomsift_event *ev;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	ev = p.out.ev[0];
	assert_int_equal(ev->kind, OOMSIFT_MEMCG_OOM);
	assert_int_equal(ev->memcg_mem.usage_kb, 102400);
	assert_int_equal(ev->nkills, 3);
	assert_int_equal(oomsift_event_kill_count(ev), 3);
	/* The chosen victim is the event's victim; the group members follow it. */
	assert_int_equal(ev->victim_pid, 100);
	assert_int_equal(ev->kills[0].pid, 100);
	assert_false(ev->kills[0].oom_group);
	assert_int_equal(ev->kills[1].pid, 101);
	assert_true(ev->kills[1].oom_group);
	assert_string_equal(ev->kills[1].reason, "Memory cgroup out of memory");
	assert_int_equal(ev->kills[2].pid, 102);
	assert_true(ev->kills[2].oom_group);
	assert_string_equal(ev->kills[2].comm, "c");
	pipeline_free(&p);
}

static void test_reaper_after_unrelated_lines(void **state)
{
	static const char *const tail[] = {
	    "[  100.100000] e1000e: eth0 NIC Link is Up",
	    "[  100.200000] usb 1-1: new high-speed USB device number 2 using xhci_hcd",
	    "[  100.300000] oom_reaper: reaped process 4242 (stress), now anon-rss:0kB, "
	    "file-rss:0kB, shmem-rss:0kB",
	};
	pipeline p;
	oomsift_event *ev;

	(void)state;
	pipeline_init(&p);
	FEED(&p, report);
	FEED(&p, tail);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	ev = p.out.ev[0];
	assert_int_equal(ev->nkills, 2);
	assert_int_equal(ev->kills[1].kind, OOMSIFT_KILL_REAPED);
	assert_int_equal(ev->kills[1].pid, 4242);
	assert_string_equal(ev->kills[1].comm, "stress");
	assert_int_equal(ev->kills[1].anon_rss_kb, 0);
	/* A reaper line is not an extra kill. */
	assert_int_equal(oomsift_event_kill_count(ev), 1);
	pipeline_free(&p);
}

static void test_reaper_for_other_pid_ignored(void **state)
{
	static const char *const tail[] = {
	    "[  100.300000] oom_reaper: reaped process 9999 (other), now anon-rss:0kB, "
	    "file-rss:0kB, shmem-rss:0kB",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, report);
	FEED(&p, tail);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_int_equal(p.out.ev[0]->nkills, 1);
	assert_int_equal(p.out.ev[0]->kills[0].pid, 4242);
	pipeline_free(&p);
}

static void test_uptime_gap_closes(void **state)
{
	static const char *const lines[] = {
	    "[  100.000000] stress invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), "
	    "order=0, oom_score_adj=0",
	    "[  159.000000] e1000e: eth0 NIC Link is Up",
	};
	static const char *const after_gap[] = {
	    "[  220.000000] Out of memory: Killed process 4242 (stress) total-vm:2000000kB, "
	    "anon-rss:1600000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:3200kB "
	    "oom_score_adj:0",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	/* 59 s of silence keeps the report open. */
	assert_int_equal(p.out.n, 0);
	/* 61 s closes it before the kill is read: the kill becomes its own event. */
	FEED(&p, after_gap);
	assert_int_equal(p.out.n, 1);
	assert_true(p.out.ev[0]->has_header);
	assert_false(p.out.ev[0]->has_kill);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 2);
	assert_false(p.out.ev[1]->has_header);
	assert_true(p.out.ev[1]->has_kill);
	assert_int_equal(p.out.ev[1]->victim_pid, 4242);
	pipeline_free(&p);
}

static void test_uptime_backwards_closes(void **state)
{
	static const char *const lines[] = {
	    "[ 5000.000000] stress invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), "
	    "order=0, oom_score_adj=0",
	    "[ 5000.000010] Mem-Info:",
	};
	static const char *const new_boot[] = {
	    "[    0.500000] random: crng init done",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	assert_int_equal(p.out.n, 0);
	FEED(&p, new_boot);
	assert_int_equal(p.out.n, 1);
	assert_true(p.out.ev[0]->has_header);
	assert_false(p.out.ev[0]->has_kill);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	pipeline_free(&p);
}

static const oomsift_event *event_of_host(const collector *c, const char *host)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->ev[i]->host, host) == 0)
			return c->ev[i];
	return NULL;
}

static void test_two_hosts_interleaved(void **state)
{
	static const char *const lines[] = {
	    "Nov  5 01:02:03 web01 kernel: [100.000000] a invoked oom-killer: gfp_mask=0xcc0"
	    "(GFP_KERNEL), order=0, oom_score_adj=0",
	    "Nov  5 01:02:03 web02 kernel: [200.000000] b invoked oom-killer: gfp_mask=0x1100cca"
	    "(GFP_HIGHUSER_MOVABLE), order=2, oom_score_adj=0",
	    "Nov  5 01:02:03 web01 kernel: [100.000100] CPU: 0 PID: 11 Comm: a Not tainted "
	    "5.15.0 #1",
	    "Nov  5 01:02:03 web02 kernel: [200.000100] CPU: 3 PID: 22 Comm: b Not tainted 6.1.0 "
	    "#1",
	    "Nov  5 01:02:03 web01 kernel: [100.000200] Out of memory: Killed process 1 (a) "
	    "total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB "
	    "oom_score_adj:0",
	    "Nov  5 01:02:04 web02 kernel: [200.000200] Out of memory: Killed process 2 (b) "
	    "total-vm:2000kB, anon-rss:800kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB "
	    "oom_score_adj:0",
	};
	pipeline p;
	const oomsift_event *a, *b;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 2);
	a = event_of_host(&p.out, "web01");
	b = event_of_host(&p.out, "web02");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(oomsift_event_complete(a));
	assert_true(oomsift_event_complete(b));
	assert_string_equal(a->trigger_comm, "a");
	assert_int_equal(a->trigger_pid, 11);
	assert_string_equal(a->kernel, "5.15.0");
	assert_int_equal(a->alloc_order, 0);
	assert_int_equal(a->victim_pid, 1);
	assert_int_equal(a->nkills, 1);
	assert_true(a->has_ts);
	assert_string_equal(b->trigger_comm, "b");
	assert_int_equal(b->trigger_pid, 22);
	assert_string_equal(b->kernel, "6.1.0");
	assert_int_equal(b->alloc_order, 2);
	assert_int_equal(b->victim_pid, 2);
	assert_int_equal(b->nkills, 1);
	/* Each event's raw text holds only its own host's lines. */
	assert_null(strstr(a->raw.data, "web02"));
	assert_null(strstr(b->raw.data, "web01"));
	pipeline_free(&p);
}

/* Hosts are found by name through an index that grows (64 slots, at most
 * half full): 100 interleaved hosts each keep their own report. */
static void test_many_hosts_interleaved(void **state)
{
	enum { NHOSTS = 100 };
	char line[256];
	const char *one[1] = {line};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	for (int step = 0; step < 2; step++)
		for (int h = 0; h < NHOSTS; h++) {
			if (step == 0)
				snprintf(
				    line, sizeof(line),
				    "Nov  5 01:02:03 node%03d kernel: [100.000000] c%d invoked "
				    "oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
				    "oom_score_adj=0",
				    h, h);
			else
				snprintf(
				    line, sizeof(line),
				    "Nov  5 01:02:03 node%03d kernel: [100.000100] Out of memory: "
				    "Killed process %d (c%d) total-vm:1000kB, anon-rss:900kB, "
				    "file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB "
				    "oom_score_adj:0",
				    h, 1000 + h, h);
			FEED(&p, one);
		}
	pipeline_finish(&p);
	assert_int_equal(p.out.n, NHOSTS);
	for (int h = 0; h < NHOSTS; h++) {
		char host[16], comm[16];
		const oomsift_event *ev;
		snprintf(host, sizeof(host), "node%03d", h);
		snprintf(comm, sizeof(comm), "c%d", h);
		ev = event_of_host(&p.out, host);
		assert_non_null(ev);
		assert_string_equal(ev->trigger_comm, comm);
		assert_int_equal(ev->victim_pid, 1000 + h);
		assert_int_equal(ev->nkills, 1);
	}
	pipeline_free(&p);
}

static void test_fingerprint_same_report_twice(void **state)
{
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, report);
	FEED(&p, report);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 2);
	assert_true(oomsift_event_complete(p.out.ev[0]));
	assert_true(oomsift_event_complete(p.out.ev[1]));
	/* Word for word the same report, but two events: numbered apart. */
	assert_memory_not_equal(p.out.ev[0]->fingerprint, p.out.ev[1]->fingerprint,
	                        sizeof(p.out.ev[0]->fingerprint));
	pipeline_free(&p);
}

static void test_fingerprint_stable_across_assemblers(void **state)
{
	static const unsigned char zero[16];
	pipeline p1, p2;

	(void)state;
	pipeline_init(&p1);
	pipeline_init(&p2);
	FEED(&p1, report);
	FEED(&p2, report);
	pipeline_finish(&p1);
	pipeline_finish(&p2);
	assert_int_equal(p1.out.n, 1);
	assert_int_equal(p2.out.n, 1);
	assert_memory_not_equal(p1.out.ev[0]->fingerprint, zero, sizeof(zero));
	assert_memory_equal(p1.out.ev[0]->fingerprint, p2.out.ev[0]->fingerprint,
	                    sizeof(p1.out.ev[0]->fingerprint));
	pipeline_free(&p1);
	pipeline_free(&p2);
}

/* ---- wrapper lines that are no messages: MARK, META; cut lines ---- */

#define NREPORT (sizeof(report) / sizeof(report[0]))

/* A boot separator ends the report: the lines after it are not its body. */
static void test_boot_mark_closes_report(void **state)
{
	static const char *const mark[] = {"-- Boot 7c9e1d2f3a4b5c6d7e8f9a0b1c2d3e4f --"};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	pipeline_feed(&p, report, 12); /* up to the Node line, before "Free swap" */
	FEED(&p, mark);
	assert_int_equal(p.out.n, 1); /* closed at the separator, not at the end */
	pipeline_feed(&p, report + 12, NREPORT - 12);
	pipeline_finish(&p);
	/* The kill after the separator is an event of its own. */
	assert_int_equal(p.out.n, 2);
	assert_true(p.out.ev[0]->has_header);
	assert_false(p.out.ev[0]->has_kill);
	assert_int_equal(p.out.ev[0]->swap_free_kb, OOMSIFT_UNSET);
	assert_false(p.out.ev[1]->has_header);
	assert_int_equal(p.out.ev[1]->victim_pid, 4242);
	/* The separator's boot id is the boot after it, not the one it ends. */
	assert_null(p.out.ev[0]->boot_id);
	assert_non_null(p.out.ev[1]->boot_id);
	assert_string_equal(p.out.ev[1]->boot_id, "7c9e1d2f3a4b5c6d7e8f9a0b1c2d3e4f");
	pipeline_free(&p);
}

/* The separator names no host: it closes the report of the host before it. */
static void test_boot_mark_closes_its_host(void **state)
{
	static const char *const lines[] = {
	    "Nov 05 10:11:12 web01 kernel: stress invoked oom-killer: "
	    "gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0",
	    "Nov 05 10:11:12 web01 kernel: Mem-Info:",
	    "-- Reboot --",
	    "Nov 05 10:11:13 web01 kernel: Free swap  = 0kB",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, lines);
	assert_int_equal(p.out.n, 1);
	assert_string_equal(p.out.ev[0]->host, "web01");
	assert_int_equal(p.out.ev[0]->swap_free_kb, OOMSIFT_UNSET);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	pipeline_free(&p);
}

/* journalctl's header and notice lines change nothing. */
static void test_meta_lines_ignored(void **state)
{
	static const char *const meta[] = {
	    "-- Logs begin at Mon 2023-11-20 10:11:12 UTC, end at Tue 2023-11-21 11:12:13 UTC. --",
	    "Notice: journal has been rotated since unit was started, output may be incomplete.",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	pipeline_feed(&p, report, 12);
	FEED(&p, meta);
	pipeline_feed(&p, report + 12, NREPORT - 12);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_true(oomsift_event_complete(p.out.ev[0]));
	assert_int_equal(p.out.ev[0]->swap_free_kb, 0);
	assert_false(p.out.ev[0]->truncated);
	pipeline_free(&p);
}

/* A line ellipsized by journalctl --no-full marks its report truncated. */
static void test_cut_line_marks_truncated(void **state)
{
	static const char *const cut[] = {
	    "Nov 05 10:11:12 web01 kernel: stress invoked oom-killer: "
	    "gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0",
	    "Nov 05 10:11:12 web01 kernel: Hardware name: QEMU Standard PC (i440FX + PI\xe2\x80\xa6"
	    "1996)",
	    "Nov 05 10:11:12 web01 kernel: Out of memory: Killed process 4242 (stress) "
	    "total-vm:2000000kB, anon-rss:1600000kB, file-rss:0kB, shmem-rss:0kB, UID:0 "
	    "pgtables:3200kB oom_score_adj:0",
	};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	FEED(&p, cut);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_true(p.out.ev[0]->truncated);
	assert_true(oomsift_event_complete(p.out.ev[0]));
	pipeline_free(&p);
}

/* A host name with a NUL byte (a journal field may hold one) is kept whole:
 * the event's host is the same bytes (fuzz_parser found a read past the
 * name's copy). */
static void test_host_with_nul(void **state)
{
	static const char host[] = {'w', 'e', 'b', '\0', 'x'};
	static const char msg[] = "php invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
	                          "oom_score_adj=0";
	oomsift_record rec = {.wrapper = OOMSIFT_WRAP_JOURNAL_SHORT,
	                      .host = host,
	                      .host_len = sizeof(host),
	                      .ident = "kernel",
	                      .ident_len = 6,
	                      .msg = msg,
	                      .msg_len = sizeof(msg) - 1,
	                      .pid = -1,
	                      .lineno = 1};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	assert_int_equal(oomsift_assembler_feed(p.as, &rec, msg, sizeof(msg) - 1), 0);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_memory_equal(p.out.ev[0]->host, host, sizeof(host));
	pipeline_free(&p);
}

/* MAX_KVS (parse/oom_lines.c): Mem-Info values past the cap are not stored;
 * the report goes on to its kill. */
static void test_kvs_cap(void **state)
{
	static char line[8192];
	const char *one[1] = {line};
	pipeline p;
	oomsift_event *ev;
	int key = 0;

	(void)state;
	pipeline_init(&p);
	snprintf(line, sizeof(line), "%s", report[0]);
	FEED(&p, one);
	snprintf(line, sizeof(line), "[  100.000040] Mem-Info:");
	FEED(&p, one);
	snprintf(line, sizeof(line), "[  100.000050] active_anon:1000 inactive_anon:2000");
	FEED(&p, one);
	while (key < 100000 + 500) { /* continuation lines of 500 values */
		size_t n = (size_t)snprintf(line, sizeof(line), "               ");
		for (int i = 0; i < 500; i++)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " k%d:1", key++);
		FEED(&p, one);
	}
	snprintf(line, sizeof(line), "%s", report[sizeof(report) / sizeof(report[0]) - 1]);
	FEED(&p, one);
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	ev = p.out.ev[0];
	assert_int_equal(ev->nkvs, 100000);
	assert_true(ev->has_kill);
	assert_int_equal(ev->victim_pid, 4242);
	pipeline_free(&p);
}

/* MAX_KILLS (parse/oom.c): a memory.oom.group kill of more tasks than the cap
 * keeps the first 100000 kills and the report goes on. */
static void test_kills_cap(void **state)
{
	enum { KILLS = 100000 + 5 };
	char line[256];
	const char *one[1] = {line};
	pipeline p;
	oomsift_event *ev;

	(void)state;
	pipeline_init(&p);
	for (int i = 0; i < 5; i++) {
		static const char *const head[] = {
		    "[  200.000000] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, "
		    "oom_score_adj=0",
		    "[  200.000030] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,"
		    "mems_allowed=0,oom_memcg=/grp,task_memcg=/grp/a,task=a,pid=100,uid=0",
		    "[  200.000040] Memory cgroup out of memory: Killed process 100 (a) "
		    "total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 "
		    "pgtables:40kB oom_score_adj:0",
		    "[  200.000050] Tasks in /grp are going to be killed due to memory.oom.group "
		    "set",
		    NULL};
		if (!head[i])
			break;
		snprintf(line, sizeof(line), "%s", head[i]);
		FEED(&p, one);
	}
	for (int i = 1; i < KILLS; i++) {
		snprintf(line, sizeof(line),
		         "[  200.000060] Memory cgroup out of memory: Killed process %d (b) "
		         "total-vm:2000kB, anon-rss:800kB, file-rss:0kB, shmem-rss:0kB, UID:0 "
		         "pgtables:40kB oom_score_adj:0",
		         1000 + i);
		FEED(&p, one);
	}
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	ev = p.out.ev[0];
	assert_int_equal(ev->nkills, 100000);
	assert_int_equal(ev->victim_pid, 100);
	assert_int_equal(ev->kills[99999].pid, 1000 + 99999);
	pipeline_free(&p);
}

/* MAX_HOSTS (parse/oom.c): past 65536 hosts in one source the records of
 * further hosts are passed over, without failing the source; the hosts
 * already known are still read. */
static void test_hosts_cap(void **state)
{
	enum { HOSTS = 65536 + 2 };
	char line[256];
	const char *one[1] = {line};
	pipeline p;

	(void)state;
	pipeline_init(&p);
	for (int h = 0; h < HOSTS; h++) {
		snprintf(line, sizeof(line), "Nov  5 01:02:03 h%d sshd[1]: Accepted key", h);
		FEED(&p, one);
	}
	for (int h = HOSTS - 1; h >= 0; h -= HOSTS - 1) { /* the last host, then the first */
		snprintf(line, sizeof(line),
		         "Nov  5 01:02:04 h%d kernel: [100.000100] Out of memory: Killed process "
		         "%d (c) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, "
		         "UID:0 pgtables:40kB oom_score_adj:0",
		         h, 1000 + h);
		FEED(&p, one);
	}
	pipeline_finish(&p);
	assert_int_equal(p.out.n, 1);
	assert_string_equal(p.out.ev[0]->host, "h0");
	assert_int_equal(p.out.ev[0]->victim_pid, 1000);
	pipeline_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_host_with_nul),
	    cmocka_unit_test(test_kills_cap),
	    cmocka_unit_test(test_kvs_cap),
	    cmocka_unit_test(test_hosts_cap),
	    cmocka_unit_test(test_complete_report),
	    cmocka_unit_test(test_two_reports_back_to_back),
	    cmocka_unit_test(test_orphan_kill),
	    cmocka_unit_test(test_header_only),
	    cmocka_unit_test(test_lookalike_meminfo_ignored),
	    cmocka_unit_test(test_oom_group),
	    cmocka_unit_test(test_reaper_after_unrelated_lines),
	    cmocka_unit_test(test_reaper_for_other_pid_ignored),
	    cmocka_unit_test(test_uptime_gap_closes),
	    cmocka_unit_test(test_uptime_backwards_closes),
	    cmocka_unit_test(test_two_hosts_interleaved),
	    cmocka_unit_test(test_many_hosts_interleaved),
	    cmocka_unit_test(test_fingerprint_same_report_twice),
	    cmocka_unit_test(test_fingerprint_stable_across_assemblers),
	    cmocka_unit_test(test_boot_mark_closes_report),
	    cmocka_unit_test(test_boot_mark_closes_its_host),
	    cmocka_unit_test(test_meta_lines_ignored),
	    cmocka_unit_test(test_cut_line_marks_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
