/* Unit tests for parse/oom_lines.c: the L1..L16 recognisers of kernel-formats.md §1.3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "oomsift/event.h"
#include "parse/oom_lines.h"

/* A string literal or variable as (pointer, length). */
#define M(s) (s), strlen(s)

#define UNSET OOMSIFT_UNSET

/* Index of an oomsift_task int64 field, as oom_columns.field holds it. */
#define TF(f) ((int)(offsetof(oomsift_task, f) / sizeof(int64_t)))

static int setup(void **state)
{
	oom_patterns *p = NULL;

	if (oom_patterns_new(&p) < 0)
		return -1;
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	oom_patterns_free(*state);
	return 0;
}

/* A line as the assembler classifies it: report markers first, then, inside
 * a report, the body line types. */
static oom_line classify(const char *msg, size_t len)
{
	oom_line t = oom_classify_marker(msg, len);

	return t != OOM_NONE ? t : oom_classify_body(msg, len);
}

static oomsift_event *ev_new(void)
{
	oomsift_event *ev = oomsift_event_new();

	assert_non_null(ev);
	return ev;
}

/* The value stored for section/key, or NULL. */
static const oomsift_kv *find_kv(const oomsift_event *ev, const char *section, const char *key)
{
	for (size_t i = 0; i < ev->nkvs; i++)
		if (strcmp(ev->kvs[i].section, section) == 0 && strcmp(ev->kvs[i].key, key) == 0)
			return &ev->kvs[i];
	return NULL;
}

static void check_kv(const oomsift_event *ev, const char *section, const char *key, int64_t value,
                     const char *unit)
{
	const oomsift_kv *kv = find_kv(ev, section, key);

	if (!kv)
		fail_msg("no value %s/%s", section, key);
	assert_int_equal(kv->value, value);
	assert_string_equal(kv->unit, unit);
}

/* ---- L1 ---- */

/* Applies one L1 line to a new event and checks every L1 field. */
static void check_invoked(oom_patterns *p, const char *line, const char *comm, const char *mask,
                          const char *flags, const char *nodemask, int64_t order, int64_t oom_adj,
                          int64_t score_adj)
{
	oomsift_event *ev = ev_new();

	assert_int_equal(classify(M(line)), OOM_INVOKED);
	assert_true(oom_apply_invoked(p, ev, M(line)));
	assert_true(ev->has_header);
	assert_string_equal(ev->trigger_comm, comm);
	assert_string_equal(ev->gfp_mask, mask);
	if (flags)
		assert_string_equal(ev->gfp_flags, flags);
	else
		assert_null(ev->gfp_flags);
	if (nodemask)
		assert_string_equal(ev->nodemask, nodemask);
	else
		assert_null(ev->nodemask);
	assert_int_equal(ev->alloc_order, order);
	assert_int_equal(ev->trigger_oom_adj, oom_adj);
	assert_int_equal(ev->trigger_oom_score_adj, score_adj);
	assert_int_equal(ev->manual, order == -1);
	oomsift_event_free(ev);
}

static void test_l1_2_6_30_oomkilladj(void **state)
{
	check_invoked(*state, "app invoked oom-killer: gfp_mask=0x201d2, order=0, oomkilladj=-17",
	              "app", "0x201d2", NULL, NULL, 0, -17, UNSET);
}

static void test_l1_2_6_32_oom_adj(void **state)
{
	check_invoked(*state, "httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=-3",
	              "httpd", "0x201da", NULL, NULL, 0, -3, UNSET);
}

static void test_l1_rhel6(void **state)
{
	check_invoked(*state,
	              "app.out invoked oom-killer: gfp_mask=0x200da, order=0, oom_adj=-17, "
	              "oom_score_adj=-1000",
	              "app.out", "0x200da", NULL, NULL, 0, -17, -1000);
}

static void test_l1_3_10_hex_only(void **state)
{
	check_invoked(*state, "sed invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0",
	              "sed", "0x201da", NULL, NULL, 0, UNSET, 0);
	check_invoked(*state,
	              "vd-net-config invoked oom-killer: gfp_mask=0x80d0, order=0, "
	              "oom_score_adj=-900",
	              "vd-net-config", "0x80d0", NULL, NULL, 0, UNSET, -900);
}

static void test_l1_4_9_nodemask(void **state)
{
	check_invoked(
	    *state,
	    "java invoked oom-killer: gfp_mask=0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD), "
	    "nodemask=0-1, order=0, oom_score_adj=0",
	    "java", "0x24201ca", "GFP_HIGHUSER_MOVABLE|__GFP_COLD", "0-1", 0, UNSET, 0);
}

static void test_l1_4_14_two_spaces(void **state)
{
	check_invoked(*state,
	              "java invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), "
	              "nodemask=(null),  order=0, oom_score_adj=0",
	              "java", "0x14200ca", "GFP_HIGHUSER_MOVABLE", "(null)", 0, UNSET, 0);
}

static void test_l1_4_15_nodemask_null(void **state)
{
	check_invoked(*state,
	              "mysqld invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), "
	              "nodemask=(null), order=0, oom_score_adj=-600",
	              "mysqld", "0x6200ca", "GFP_HIGHUSER_MOVABLE", "(null)", 0, UNSET, -600);
}

static void test_l1_5_x_flags(void **state)
{
	check_invoked(*state,
	              "php-fpm invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), "
	              "order=0, oom_score_adj=0",
	              "php-fpm", "0x1100cca", "GFP_HIGHUSER_MOVABLE", NULL, 0, UNSET, 0);
	check_invoked(*state,
	              "doxygen invoked oom-killer: "
	              "gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=3, "
	              "oom_score_adj=500",
	              "doxygen", "0x140dca", "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO", NULL, 3,
	              UNSET, 500);
}

static void test_l1_empty_flags(void **state)
{
	check_invoked(*state, "t invoked oom-killer: gfp_mask=0x0(), order=0, oom_score_adj=0", "t",
	              "0x0", "", NULL, 0, UNSET, 0);
}

static void test_l1_sysrq_order_minus_one(void **state)
{
	check_invoked(*state,
	              "kworker/0:2 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1, "
	              "oom_score_adj=0",
	              "kworker/0:2", "0xcc0", "GFP_KERNEL", NULL, -1, UNSET, 0);
}

static void test_l1_comm_with_space(void **state)
{
	check_invoked(
	    *state,
	    "Web Content invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), "
	    "order=0, oom_score_adj=167",
	    "Web Content", "0x140cca", "GFP_HIGHUSER_MOVABLE|__GFP_COMP", NULL, 0, UNSET, 167);
}

static void test_l1_rejects_other_text(void **state)
{
	oomsift_event *ev = ev_new();

	assert_false(oom_apply_invoked(*state, ev, M("app invoked oom-killer: something else")));
	assert_false(ev->has_header);
	assert_null(ev->gfp_mask);
	oomsift_event_free(ev);
}

/* ---- L3 ---- */

static void test_l3_cpuset(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "java cpuset=docker-3f2a.scope mems_allowed=0-1";

	assert_int_equal(classify(M(line)), OOM_CPUSET);
	assert_true(oom_apply_cpuset(*state, ev, M(line)));
	assert_string_equal(ev->cpuset, "docker-3f2a.scope");
	assert_string_equal(ev->mems_allowed, "0-1");
	oomsift_event_free(ev);
}

/* ---- L4 ---- */

static oomsift_event *stack_header(oom_patterns *p, const char *line)
{
	oomsift_event *ev = ev_new();

	assert_int_equal(classify(M(line)), OOM_STACK_HDR);
	assert_true(oom_apply_stack_header(p, ev, M(line)));
	return ev;
}

static void test_l4_2_6_32_pid_comm(void **state)
{
	oomsift_event *ev =
	    stack_header(*state, "Pid: 15462, comm: t Not tainted 2.6.32-220.7.1.el6.x86_64 #1");

	assert_int_equal(ev->trigger_pid, 15462);
	assert_string_equal(ev->trigger_comm, "t");
	assert_string_equal(ev->tainted, "Not tainted");
	assert_string_equal(ev->kernel, "2.6.32-220.7.1.el6.x86_64");
	assert_int_equal(ev->cpu, UNSET);
	assert_int_equal(ev->trigger_uid, UNSET);
	oomsift_event_free(ev);
}

static void test_l4_3_10(void **state)
{
	oomsift_event *ev = stack_header(
	    *state, "CPU: 4 PID: 29481 Comm: sed Not tainted 3.10.0-514.6.1.el7.x86_64 #1");

	assert_int_equal(ev->cpu, 4);
	assert_int_equal(ev->trigger_pid, 29481);
	assert_string_equal(ev->trigger_comm, "sed");
	assert_string_equal(ev->tainted, "Not tainted");
	assert_string_equal(ev->kernel, "3.10.0-514.6.1.el7.x86_64");
	assert_int_equal(ev->trigger_uid, UNSET);
	oomsift_event_free(ev);
}

static void test_l4_6_1_tainted_build_id(void **state)
{
	oomsift_event *ev = stack_header(
	    *state, "CPU: 2 PID: 473206 Comm: doxygen Tainted: G        W  O       6.1.0-18-amd64 "
	            "#1 Debian 6.1.76-1 0123456789abcdef0123456789abcdef01234567");

	assert_int_equal(ev->cpu, 2);
	assert_int_equal(ev->trigger_pid, 473206);
	assert_string_equal(ev->trigger_comm, "doxygen");
	assert_string_equal(ev->tainted, "Tainted: G        W  O");
	assert_string_equal(ev->kernel, "6.1.0-18-amd64");
	oomsift_event_free(ev);
}

static void test_l4_kdump_loaded(void **state)
{
	oomsift_event *ev = stack_header(
	    *state,
	    "CPU: 3 PID: 999 Comm: java Kdump: loaded Not tainted 4.18.0-147.el8.x86_64 #1");

	assert_int_equal(ev->cpu, 3);
	assert_int_equal(ev->trigger_pid, 999);
	assert_string_equal(ev->trigger_comm, "java");
	assert_string_equal(ev->tainted, "Not tainted");
	assert_string_equal(ev->kernel, "4.18.0-147.el8.x86_64");
	oomsift_event_free(ev);
}

static void test_l4_6_12_uid(void **state)
{
	oomsift_event *ev = stack_header(
	    *state,
	    "CPU: 5 UID: 1000 PID: 3902 Comm: php-fpm Not tainted 6.12.9-amd64 #1 Debian 6.12.9-1");

	assert_int_equal(ev->cpu, 5);
	assert_int_equal(ev->trigger_uid, 1000);
	assert_int_equal(ev->trigger_pid, 3902);
	assert_string_equal(ev->trigger_comm, "php-fpm");
	assert_string_equal(ev->tainted, "Not tainted");
	assert_string_equal(ev->kernel, "6.12.9-amd64");
	oomsift_event_free(ev);
}

static void test_l4_6_19_preempt(void **state)
{
	oomsift_event *ev = stack_header(
	    *state,
	    "CPU: 0 UID: 0 PID: 77 Comm: stress Not tainted 6.19.0-rc1 #5 PREEMPT(voluntary) ");

	assert_int_equal(ev->cpu, 0);
	assert_int_equal(ev->trigger_uid, 0);
	assert_int_equal(ev->trigger_pid, 77);
	assert_string_equal(ev->trigger_comm, "stress");
	assert_string_equal(ev->tainted, "Not tainted");
	assert_string_equal(ev->kernel, "6.19.0-rc1");
	oomsift_event_free(ev);
}

static void test_l4_comm_with_space(void **state)
{
	oomsift_event *ev = stack_header(
	    *state, "CPU: 1 PID: 5000 Comm: Web Content Not tainted 6.5.0-14-generic #14-Ubuntu");

	assert_int_equal(ev->trigger_pid, 5000);
	assert_string_equal(ev->trigger_comm, "Web Content");
	assert_string_equal(ev->kernel, "6.5.0-14-generic");
	oomsift_event_free(ev);
}

static void test_l4_fixes_prefixed_l1_comm(void **state)
{
	oomsift_event *ev = ev_new();

	/* An unknown prefix glued to the L1 comm is cut off by the stack header's Comm:. */
	assert_true(oom_apply_invoked(
	    *state, ev,
	    M("> doxygen invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE), order=0, "
	      "oom_score_adj=0")));
	assert_string_equal(ev->trigger_comm, "> doxygen");
	assert_true(oom_apply_stack_header(
	    *state, ev, M("CPU: 1 PID: 473206 Comm: doxygen Not tainted 6.1.0-18-amd64 #1")));
	assert_string_equal(ev->trigger_comm, "doxygen");
	oomsift_event_free(ev);
}

/* ---- L9 ---- */

static void test_l9_global_comm_with_comma_equals(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
	                   "mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/"
	                   "session-2.scope,task=a,b=c,pid=4242,uid=1000";

	(void)state;
	assert_int_equal(classify(M(line)), OOM_SUMMARY);
	assert_true(oom_apply_summary(ev, M(line)));
	assert_string_equal(ev->oom_constraint, "CONSTRAINT_NONE");
	assert_string_equal(ev->nodemask, "(null)");
	assert_string_equal(ev->cpuset, "/");
	assert_string_equal(ev->mems_allowed, "0");
	assert_null(ev->oom_memcg);
	assert_string_equal(ev->task_memcg, "/user.slice/user-1000.slice/session-2.scope");
	assert_string_equal(ev->victim_comm, "a,b=c");
	assert_int_equal(ev->victim_pid, 4242);
	assert_int_equal(ev->victim_uid, 1000);
	oomsift_event_free(ev);
}

static void test_l9_memcg(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
	                   "cpuset=docker-a59e.scope,mems_allowed=0,oom_memcg=/lxc/39004,"
	                   "task_memcg=/lxc/39004/ns/system.slice/docker-a59e.scope,task=php-fpm,"
	                   "pid=3902942,uid=1000";

	(void)state;
	assert_int_equal(classify(M(line)), OOM_SUMMARY);
	assert_true(oom_apply_summary(ev, M(line)));
	assert_string_equal(ev->oom_constraint, "CONSTRAINT_MEMCG");
	assert_string_equal(ev->nodemask, "(null)");
	assert_string_equal(ev->cpuset, "docker-a59e.scope");
	assert_string_equal(ev->mems_allowed, "0");
	assert_string_equal(ev->oom_memcg, "/lxc/39004");
	assert_string_equal(ev->task_memcg, "/lxc/39004/ns/system.slice/docker-a59e.scope");
	assert_string_equal(ev->victim_comm, "php-fpm");
	assert_int_equal(ev->victim_pid, 3902942);
	assert_int_equal(ev->victim_uid, 1000);
	oomsift_event_free(ev);
}

/* ---- L10 ---- */

static void test_l10_upper(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "Out of memory: Kill process 6576 (mysqld) score 651 or sacrifice child";

	(void)state;
	assert_int_equal(classify(M(line)), OOM_KILL_SELECT);
	assert_true(oom_apply_kill_select(ev, M(line)));
	assert_int_equal(ev->kill_score, 651);
	assert_string_equal(ev->kill_reason, "Out of memory");
	assert_int_equal(ev->victim_pid, 6576);
	assert_string_equal(ev->victim_comm, "mysqld");
	oomsift_event_free(ev);
}

static void test_l10_lower_2_6_32(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "Out of memory: kill process 2592 (httpd) score 1523215 or a child";

	(void)state;
	assert_int_equal(classify(M(line)), OOM_KILL_SELECT);
	assert_true(oom_apply_kill_select(ev, M(line)));
	assert_int_equal(ev->kill_score, 1523215);
	assert_string_equal(ev->kill_reason, "Out of memory");
	assert_int_equal(ev->victim_pid, 2592);
	assert_string_equal(ev->victim_comm, "httpd");
	oomsift_event_free(ev);
}

static void test_l10_memcg(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line =
	    "Memory cgroup out of memory: Kill process 12 (java) score 998 or sacrifice child";

	(void)state;
	assert_true(oom_apply_kill_select(ev, M(line)));
	assert_int_equal(ev->kill_score, 998);
	assert_string_equal(ev->kill_reason, "Memory cgroup out of memory");
	assert_int_equal(ev->victim_pid, 12);
	oomsift_event_free(ev);
}

/* ---- L11 ---- */

typedef struct killed_case {
	const char *line;
	int64_t pid, uid, total_vm, anon, file, shmem, pgtables, score_adj;
	const char *comm, *reason;
} killed_case;

static void check_killed(const killed_case *c)
{
	oomsift_event *ev = ev_new();
	oomsift_kill k;

	assert_int_equal(classify(M(c->line)), OOM_KILLED);
	assert_true(oom_parse_killed(ev, M(c->line), &k));
	assert_int_equal(k.kind, OOMSIFT_KILL_VICTIM);
	assert_int_equal(k.pid, c->pid);
	assert_string_equal(k.comm, c->comm);
	assert_int_equal(k.uid, c->uid);
	assert_int_equal(k.total_vm_kb, c->total_vm);
	assert_int_equal(k.anon_rss_kb, c->anon);
	assert_int_equal(k.file_rss_kb, c->file);
	assert_int_equal(k.shmem_rss_kb, c->shmem);
	assert_int_equal(k.pgtables_kb, c->pgtables);
	assert_int_equal(k.oom_score_adj, c->score_adj);
	if (c->reason)
		assert_string_equal(k.reason, c->reason);
	else
		assert_null(k.reason);
	assert_false(k.oom_group);
	oomsift_event_free(ev);
}

static void test_l11_2_6_32(void **state)
{
	const killed_case c = {.line = "Killed process 2592 (httpd)",
	                       .pid = 2592,
	                       .uid = UNSET,
	                       .total_vm = UNSET,
	                       .anon = UNSET,
	                       .file = UNSET,
	                       .shmem = UNSET,
	                       .pgtables = UNSET,
	                       .score_adj = UNSET,
	                       .comm = "httpd",
	                       .reason = NULL};
	(void)state;
	check_killed(&c);
}

static void test_l11_vsz(void **state)
{
	const killed_case c = {
	    .line = "Killed process 2592 (httpd) vsz:123456kB, anon-rss:1000kB, file-rss:200kB",
	    .pid = 2592,
	    .uid = UNSET,
	    .total_vm = 123456,
	    .anon = 1000,
	    .file = 200,
	    .shmem = UNSET,
	    .pgtables = UNSET,
	    .score_adj = UNSET,
	    .comm = "httpd",
	    .reason = NULL};
	(void)state;
	check_killed(&c);
}

static void test_l11_rhel6(void **state)
{
	const killed_case c = {.line = "Killed process 15462, UID 500, (t) total-vm:233384kB, "
	                               "anon-rss:51228kB, file-rss:384kB",
	                       .pid = 15462,
	                       .uid = 500,
	                       .total_vm = 233384,
	                       .anon = 51228,
	                       .file = 384,
	                       .shmem = UNSET,
	                       .pgtables = UNSET,
	                       .score_adj = UNSET,
	                       .comm = "t",
	                       .reason = NULL};
	(void)state;
	check_killed(&c);
}

static void test_l11_3_x(void **state)
{
	const killed_case c = {.line = "Killed process 6576 (mysqld) total-vm:33914892kB, "
	                               "anon-rss:20629004kB, file-rss:12kB",
	                       .pid = 6576,
	                       .uid = UNSET,
	                       .total_vm = 33914892,
	                       .anon = 20629004,
	                       .file = 12,
	                       .shmem = UNSET,
	                       .pgtables = UNSET,
	                       .score_adj = UNSET,
	                       .comm = "mysqld",
	                       .reason = NULL};
	(void)state;
	check_killed(&c);
}

static void test_l11_rhel7(void **state)
{
	const killed_case c = {.line = "Killed process 5372 (mongod), UID 27, total-vm:2539052kB, "
	                               "anon-rss:2117096kB, file-rss:8kB, shmem-rss:16kB",
	                       .pid = 5372,
	                       .uid = 27,
	                       .total_vm = 2539052,
	                       .anon = 2117096,
	                       .file = 8,
	                       .shmem = 16,
	                       .pgtables = UNSET,
	                       .score_adj = UNSET,
	                       .comm = "mongod",
	                       .reason = NULL};
	(void)state;
	check_killed(&c);
}

static void test_l11_4_5(void **state)
{
	const killed_case c = {.line = "Killed process 6576 (mysqld) total-vm:33914892kB, "
	                               "anon-rss:20629004kB, file-rss:4kB, shmem-rss:32kB",
	                       .pid = 6576,
	                       .uid = UNSET,
	                       .total_vm = 33914892,
	                       .anon = 20629004,
	                       .file = 4,
	                       .shmem = 32,
	                       .pgtables = UNSET,
	                       .score_adj = UNSET,
	                       .comm = "mysqld",
	                       .reason = NULL};
	(void)state;
	check_killed(&c);
}

static void test_l11_5_1_prefix(void **state)
{
	const killed_case c = {
	    .line = "Out of memory: Killed process 6576 (mysqld) total-vm:33914892kB, "
	            "anon-rss:20629004kB, file-rss:4kB, shmem-rss:32kB",
	    .pid = 6576,
	    .uid = UNSET,
	    .total_vm = 33914892,
	    .anon = 20629004,
	    .file = 4,
	    .shmem = 32,
	    .pgtables = UNSET,
	    .score_adj = UNSET,
	    .comm = "mysqld",
	    .reason = "Out of memory"};
	(void)state;
	check_killed(&c);
}

static void test_l11_5_4(void **state)
{
	const killed_case c = {
	    .line = "Out of memory: Killed process 473206 (doxygen) total-vm:30290680kB, "
	            "anon-rss:9234320kB, file-rss:4kB, shmem-rss:0kB, UID:504 "
	            "pgtables:59264kB oom_score_adj:0",
	    .pid = 473206,
	    .uid = 504,
	    .total_vm = 30290680,
	    .anon = 9234320,
	    .file = 4,
	    .shmem = 0,
	    .pgtables = 59264,
	    .score_adj = 0,
	    .comm = "doxygen",
	    .reason = "Out of memory"};
	(void)state;
	check_killed(&c);
}

static void test_l11_5_4_memcg(void **state)
{
	const killed_case c = {
	    .line =
	        "Memory cgroup out of memory: Killed process 3902942 (php-fpm) "
	        "total-vm:14740176kB, "
	        "anon-rss:12625252kB, file-rss:0kB, shmem-rss:156088kB, UID:1000 pgtables:26388kB "
	        "oom_score_adj:-998",
	    .pid = 3902942,
	    .uid = 1000,
	    .total_vm = 14740176,
	    .anon = 12625252,
	    .file = 0,
	    .shmem = 156088,
	    .pgtables = 26388,
	    .score_adj = -998,
	    .comm = "php-fpm",
	    .reason = "Memory cgroup out of memory"};
	(void)state;
	check_killed(&c);
}

static void test_l11_allocating_task(void **state)
{
	const killed_case c = {
	    .line =
	        "Out of memory (oom_kill_allocating_task): Killed process 77 (stress) "
	        "total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB "
	        "oom_score_adj:0",
	    .pid = 77,
	    .uid = 0,
	    .total_vm = 1000,
	    .anon = 900,
	    .file = 0,
	    .shmem = 0,
	    .pgtables = 40,
	    .score_adj = 0,
	    .comm = "stress",
	    .reason = "Out of memory (oom_kill_allocating_task)"};
	(void)state;
	check_killed(&c);
}

static void test_l11_comm_with_paren_space(void **state)
{
	const killed_case c = {
	    .line = "Out of memory: Killed process 1234 ((sd-pam) x) total-vm:168264kB, "
	            "anon-rss:2980kB, file-rss:0kB, shmem-rss:0kB, UID:1000 "
	            "pgtables:88kB oom_score_adj:100",
	    .pid = 1234,
	    .uid = 1000,
	    .total_vm = 168264,
	    .anon = 2980,
	    .file = 0,
	    .shmem = 0,
	    .pgtables = 88,
	    .score_adj = 100,
	    .comm = "(sd-pam) x",
	    .reason = "Out of memory"};
	const killed_case rhel7 = {
	    .line = "Killed process 1234 ((sd-pam) x), UID 1000, total-vm:168264kB, "
	            "anon-rss:2980kB, file-rss:0kB, shmem-rss:0kB",
	    .pid = 1234,
	    .uid = 1000,
	    .total_vm = 168264,
	    .anon = 2980,
	    .file = 0,
	    .shmem = 0,
	    .pgtables = UNSET,
	    .score_adj = UNSET,
	    .comm = "(sd-pam) x",
	    .reason = NULL};
	(void)state;
	check_killed(&c);
	check_killed(&rhel7);
}

/* ---- L12, L13, L14 ---- */

static void test_l12_shared_mm(void **state)
{
	oomsift_event *ev = ev_new();
	oomsift_kill k;
	const char *line = "Kill process 1235 (mysqld) sharing same memory";

	(void)state;
	assert_int_equal(classify(M(line)), OOM_SHARED_MM);
	assert_true(oom_parse_shared_mm(ev, M(line), &k));
	assert_int_equal(k.kind, OOMSIFT_KILL_SHARED_MM);
	assert_int_equal(k.pid, 1235);
	assert_string_equal(k.comm, "mysqld");
	assert_int_equal(k.total_vm_kb, UNSET);
	oomsift_event_free(ev);
}

static void test_l13_group(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line =
	    "Tasks in /kubepods.slice/pod1/cri-containerd-c44d.scope are going to be "
	    "killed due to memory.oom.group set";

	assert_int_equal(classify(M(line)), OOM_GROUP);
	assert_true(oom_apply_group(*state, ev, M(line)));
	assert_false(oom_apply_group(*state, ev, M("Tasks in /x are going to be killed")));
	oomsift_event_free(ev);
}

static void test_l14_reaped(void **state)
{
	oomsift_event *ev = ev_new();
	oomsift_kill k;
	const char *line = "oom_reaper: reaped process 473206 (doxygen), now anon-rss:12kB, "
	                   "file-rss:4kB, shmem-rss:8kB";

	(void)state;
	assert_int_equal(classify(M(line)), OOM_REAPED);
	assert_true(oom_parse_reaper(ev, OOM_REAPED, M(line), &k));
	assert_int_equal(k.kind, OOMSIFT_KILL_REAPED);
	assert_int_equal(k.pid, 473206);
	assert_string_equal(k.comm, "doxygen");
	assert_int_equal(k.anon_rss_kb, 12);
	assert_int_equal(k.file_rss_kb, 4);
	assert_int_equal(k.shmem_rss_kb, 8);
	assert_int_equal(k.total_vm_kb, UNSET);
	oomsift_event_free(ev);
}

static void test_l14_unable_to_reap(void **state)
{
	oomsift_event *ev = ev_new();
	oomsift_kill k;
	const char *line = "oom_reaper: unable to reap pid:1234 (java)";

	(void)state;
	assert_int_equal(classify(M(line)), OOM_UNABLE_REAP);
	assert_true(oom_parse_reaper(ev, OOM_UNABLE_REAP, M(line), &k));
	assert_int_equal(k.kind, OOMSIFT_KILL_UNABLE_TO_REAP);
	assert_int_equal(k.pid, 1234);
	assert_string_equal(k.comm, "java");
	oomsift_event_free(ev);
}

/* ---- L15, panic ---- */

static void test_l15_no_killable_and_panic(void **state)
{
	oomsift_event *ev = ev_new();
	const char *panic =
	    "Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled";

	(void)state;
	assert_int_equal(classify(M("Out of memory and no killable processes...")),
	                 OOM_NO_KILLABLE);
	assert_int_equal(classify(M(panic)), OOM_PANIC);
	assert_true(oom_panic_is_oom(M(panic)));
	assert_true(oom_apply_panic(ev, M(panic)));
	assert_string_equal(ev->panic, "Out of memory: system-wide panic_on_oom is enabled");
	assert_false(
	    oom_panic_is_oom(M("Kernel panic - not syncing: VFS: Unable to mount root fs")));
	oomsift_event_free(ev);
}

/* ---- L5 memcg block ---- */

static void test_l5_memcg_counters(void **state)
{
	oomsift_event *ev = ev_new();
	const char *mem = "memory: usage 102400kB, limit 102400kB, failcnt 756";
	const char *memsw = "memory+swap: usage 206240kB, limit 1048576kB, failcnt 3";
	const char *kmem = "kmem: usage 5120kB, limit 9007199254740988kB, failcnt 0";
	const char *swap = "swap: usage 2048kB, limit 4096kB, failcnt 7";

	assert_int_equal(classify(M(mem)), OOM_MEMCG_COUNTER);
	assert_int_equal(classify(M(memsw)), OOM_MEMCG_COUNTER);
	assert_true(oom_apply_memcg_counter(*state, ev, M(mem)));
	assert_int_equal(ev->memcg_mem.usage_kb, 102400);
	assert_int_equal(ev->memcg_mem.limit_kb, 102400);
	assert_int_equal(ev->memcg_mem.failcnt, 756);

	assert_true(oom_apply_memcg_counter(*state, ev, M(memsw)));
	assert_int_equal(ev->memcg_memsw.usage_kb, 206240);
	assert_int_equal(ev->memcg_memsw.limit_kb, 1048576);
	assert_int_equal(ev->memcg_memsw.failcnt, 3);
	/* memory+swap: must not fill the v2 swap counter. */
	assert_int_equal(ev->memcg_swap.usage_kb, UNSET);
	assert_int_equal(ev->memcg_swap.limit_kb, UNSET);
	assert_int_equal(ev->memcg_swap.failcnt, UNSET);

	assert_true(oom_apply_memcg_counter(*state, ev, M(kmem)));
	assert_int_equal(ev->memcg_kmem.usage_kb, 5120);
	assert_int_equal(ev->memcg_kmem.limit_kb, 9007199254740988LL);
	assert_int_equal(ev->memcg_kmem.failcnt, 0);
	assert_int_equal(ev->memcg_swap.usage_kb, UNSET);

	assert_true(oom_apply_memcg_counter(*state, ev, M(swap)));
	assert_int_equal(ev->memcg_swap.usage_kb, 2048);
	assert_int_equal(ev->memcg_swap.limit_kb, 4096);
	assert_int_equal(ev->memcg_swap.failcnt, 7);
	/* The others are untouched by swap:. */
	assert_int_equal(ev->memcg_memsw.usage_kb, 206240);
	assert_int_equal(ev->memcg_mem.usage_kb, 102400);
	oomsift_event_free(ev);
}

static void test_l5_task_in(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "Task in /docker/abc killed as a result of limit of /docker";

	assert_int_equal(classify(M(line)), OOM_TASK_IN);
	assert_true(oom_apply_task_in(*state, ev, OOM_TASK_IN, M(line)));
	assert_string_equal(ev->task_memcg, "/docker/abc");
	assert_string_equal(ev->oom_memcg, "/docker");
	oomsift_event_free(ev);

	ev = ev_new();
	line = "Memory limit reached of cgroup /foo/bar";
	assert_int_equal(classify(M(line)), OOM_LIMIT_REACHED);
	assert_true(oom_apply_task_in(*state, ev, OOM_LIMIT_REACHED, M(line)));
	assert_string_equal(ev->oom_memcg, "/foo/bar");
	assert_null(ev->task_memcg);
	oomsift_event_free(ev);
}

static void test_l5_memcg_stats_inline(void **state)
{
	oomsift_event *ev = ev_new();
	const char *section = "unchanged";
	const char *line =
	    "Memory cgroup stats for /docker/abc: cache:132KB rss:102268KB "
	    "rss_huge:0KB shmem:0KB mapped_file:4KB dirty:0KB writeback:0KB swap:0KB "
	    "inactive_anon:0KB active_anon:102264KB inactive_file:64KB "
	    "active_file:68KB unevictable:0KB";

	assert_int_equal(classify(M(line)), OOM_MEMCG_STATS);
	assert_true(oom_apply_memcg_stats(*state, ev, M(line), &section));
	assert_null(section);
	assert_int_equal(ev->nkvs, 13);
	check_kv(ev, "memcg_stat /docker/abc", "cache", 132, "kB");
	check_kv(ev, "memcg_stat /docker/abc", "rss", 102268, "kB");
	check_kv(ev, "memcg_stat /docker/abc", "active_anon", 102264, "kB");
	check_kv(ev, "memcg_stat /docker/abc", "unevictable", 0, "kB");
	oomsift_event_free(ev);
}

static void test_l5_memcg_stats_5_3(void **state)
{
	oomsift_event *ev = ev_new();
	const char *section = NULL;
	const char *line = "Memory cgroup stats for /lxc/39004:";

	assert_int_equal(classify(M(line)), OOM_MEMCG_STATS);
	assert_true(oom_apply_memcg_stats(*state, ev, M(line), &section));
	assert_non_null(section);
	assert_string_equal(section, "memcg_stat /lxc/39004");
	assert_int_equal(ev->nkvs, 0);

	assert_true(oom_apply_memcg_stat_kv(*state, ev, section, M("anon 31154200576")));
	assert_true(oom_apply_memcg_stat_kv(*state, ev, section, M("file 688283648")));
	assert_true(oom_apply_memcg_stat_kv(*state, ev, section, M("pgfault 61533557290")));
	assert_true(oom_apply_memcg_stat_kv(*state, ev, section, M("thp_collapse_alloc 0")));
	assert_true(oom_apply_memcg_stat_kv(*state, ev, section, M("workingset_refault_anon 5")));
	assert_false(oom_apply_memcg_stat_kv(*state, ev, section, M("not a stat line")));
	assert_int_equal(ev->nkvs, 5);
	check_kv(ev, "memcg_stat /lxc/39004", "anon", 31154200576LL, "bytes");
	check_kv(ev, "memcg_stat /lxc/39004", "file", 688283648, "bytes");
	check_kv(ev, "memcg_stat /lxc/39004", "pgfault", 61533557290LL, "count");
	check_kv(ev, "memcg_stat /lxc/39004", "thp_collapse_alloc", 0, "count");
	check_kv(ev, "memcg_stat /lxc/39004", "workingset_refault_anon", 5, "count");
	oomsift_event_free(ev);
}

/* ---- L6 Mem-Info ---- */

static void test_l6_meminfo_kv(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "active_anon:1000 inactive_anon:2000 isolated_anon:0";

	(void)state;
	assert_int_equal(classify(M("Mem-Info:")), OOM_MEMINFO);
	assert_int_equal(classify(M(line)), OOM_NONE);
	assert_true(oom_apply_meminfo_kv(ev, M(line)));
	assert_true(oom_apply_meminfo_kv(ev, M(" free:36692 free_pcp:56 free_cma:0")));
	assert_int_equal(ev->nkvs, 6);
	check_kv(ev, "meminfo", "active_anon", 1000, "pages");
	check_kv(ev, "meminfo", "inactive_anon", 2000, "pages");
	check_kv(ev, "meminfo", "isolated_anon", 0, "pages");
	check_kv(ev, "meminfo", "free", 36692, "pages");
	check_kv(ev, "meminfo", "free_pcp", 56, "pages");
	/* A line without key:value tokens stores nothing. */
	assert_false(oom_apply_meminfo_kv(ev, M("Call Trace:")));
	assert_int_equal(ev->nkvs, 6);
	oomsift_event_free(ev);
}

static void test_l6_zone(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line =
	    "Node 0 Normal free:36692kB min:36784kB low:45980kB high:55176kB "
	    "reserved_highatomic:2048KB active_anon:1000kB isolated(anon):0kB present:16777216kB "
	    "pages_scanned:17 all_unreclaimable? yes";

	assert_int_equal(classify(M(line)), OOM_ZONE);
	assert_true(oom_apply_zone(*state, ev, M(line)));
	check_kv(ev, "zone Node 0 Normal", "free", 36692, "kB");
	check_kv(ev, "zone Node 0 Normal", "min", 36784, "kB");
	check_kv(ev, "zone Node 0 Normal", "high", 55176, "kB");
	check_kv(ev, "zone Node 0 Normal", "reserved_highatomic", 2048, "kB");
	check_kv(ev, "zone Node 0 Normal", "isolated(anon)", 0, "kB");
	check_kv(ev, "zone Node 0 Normal", "present", 16777216, "kB");
	check_kv(ev, "zone Node 0 Normal", "pages_scanned", 17, "count");
	check_kv(ev, "zone Node 0 Normal", "all_unreclaimable", 1, "bool");
	oomsift_event_free(ev);

	/* Non-NUMA kernels print the zone without "Node N". */
	ev = ev_new();
	line = "DMA32 free:12000kB min:5000kB low:6000kB high:7000kB all_unreclaimable? no";
	assert_int_equal(classify(M(line)), OOM_ZONE);
	assert_true(oom_apply_zone(*state, ev, M(line)));
	check_kv(ev, "zone DMA32", "free", 12000, "kB");
	check_kv(ev, "zone DMA32", "all_unreclaimable", 0, "bool");
	oomsift_event_free(ev);
}

static void test_l6_node_4_19(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line =
	    "Node 0 active_anon:1234kB inactive_anon:0kB active_file:8kB inactive_file:0kB "
	    "unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:4kB dirty:0kB "
	    "writeback:0kB shmem:0kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 2048kB "
	    "writeback_tmp:0kB unstable:0kB all_unreclaimable? no";

	assert_int_equal(classify(M(line)), OOM_NODE);
	assert_true(oom_apply_node(*state, ev, M(line)));
	check_kv(ev, "node 0", "active_anon", 1234, "kB");
	check_kv(ev, "node 0", "active_file", 8, "kB");
	check_kv(ev, "node 0", "isolated(file)", 0, "kB");
	check_kv(ev, "node 0", "shmem_thp", 0, "kB");
	check_kv(ev, "node 0", "shmem_pmdmapped", 0, "kB");
	check_kv(ev, "node 0", "anon_thp", 2048, "kB");
	check_kv(ev, "node 0", "writeback_tmp", 0, "kB");
	check_kv(ev, "node 0", "all_unreclaimable", 0, "bool");
	assert_int_equal(ev->nkvs, 17);
	oomsift_event_free(ev);
}

static void test_l6_buddy(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "Node 0 DMA32: 550*4kB (UM) 250*8kB (UE) 1*4096kB (M) = 63624kB";

	assert_int_equal(classify(M(line)), OOM_BUDDY);
	assert_true(oom_apply_buddy(*state, ev, M(line)));
	assert_int_equal(ev->nkvs, 1);
	check_kv(ev, "zone Node 0 DMA32", "buddy_free", 63624, "kB");
	oomsift_event_free(ev);
}

static void test_l6_hugepages(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line =
	    "Node 0 hugepages_total=4 hugepages_free=2 hugepages_surp=1 hugepages_size=2048kB";

	assert_int_equal(classify(M(line)), OOM_HUGEPAGES);
	assert_true(oom_apply_hugepages(*state, ev, M(line)));
	check_kv(ev, "hugepages node 0 size 2048kB", "total", 4, "count");
	check_kv(ev, "hugepages node 0 size 2048kB", "free", 2, "count");
	check_kv(ev, "hugepages node 0 size 2048kB", "surp", 1, "count");
	oomsift_event_free(ev);
}

static void test_l6_swap(void **state)
{
	oomsift_event *ev = ev_new();

	assert_int_equal(classify(M("Free swap  = 0kB")), OOM_SWAP);
	assert_int_equal(classify(M("Total swap = 8388604kB")), OOM_SWAP);
	assert_true(oom_apply_swap(*state, ev, M("Free swap  = 0kB")));
	assert_int_equal(ev->swap_free_kb, 0);
	assert_int_equal(ev->swap_total_kb, UNSET);
	assert_true(oom_apply_swap(*state, ev, M("Total swap = 8388604kB")));
	assert_int_equal(ev->swap_total_kb, 8388604);
	assert_true(oom_apply_swap(*state, ev, M("Free swap  = 1234kB")));
	assert_int_equal(ev->swap_free_kb, 1234);
	oomsift_event_free(ev);
}

static void test_l6_show_mem(void **state)
{
	oomsift_event *ev = ev_new();

	assert_int_equal(classify(M("8379834 pages RAM")), OOM_SHOW_MEM);
	assert_true(oom_apply_show_mem(*state, ev, M("8379834 pages RAM")));
	assert_int_equal(ev->ram_pages, 8379834);
	check_kv(ev, "show_mem", "ram", 8379834, "pages");
	assert_true(oom_apply_show_mem(*state, ev, M("164727 pages reserved")));
	assert_int_equal(ev->reserved_pages, 164727);
	assert_true(oom_apply_show_mem(*state, ev, M("0 pages HighMem/MovableOnly")));
	check_kv(ev, "show_mem", "highmem", 0, "pages");
	assert_true(oom_apply_show_mem(*state, ev, M("12345 total pagecache pages")));
	check_kv(ev, "show_mem", "pagecache", 12345, "pages");
	assert_true(oom_apply_show_mem(*state, ev, M("77 pages in swap cache")));
	check_kv(ev, "show_mem", "swap_cache", 77, "pages");
	oomsift_event_free(ev);
}

/* ---- L8 task table ---- */

static void parse_header(oom_patterns *p, const char *line, oom_columns *cols)
{
	assert_int_equal(classify(M(line)), OOM_TASK_HEADER);
	assert_true(oom_parse_task_header(p, M(line), cols));
}

static void test_l8_2_6_32(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	parse_header(*state, "[ pid ]   uid  tgid total_vm      rss cpu oom_adj name", &cols);
	assert_int_equal(cols.n, 6);
	assert_int_equal(cols.field[0], TF(uid));
	assert_int_equal(cols.field[4], TF(cpu));
	assert_int_equal(cols.field[5], TF(oom_adj));
	assert_true(oom_apply_task_row(ev, &cols,
	                               M("[  549]     0   549     2662      118   1     "
	                                 "-17 udevd")));
	assert_int_equal(ev->ntasks, 1);
	assert_int_equal(ev->tasks[0].pid, 549);
	assert_int_equal(ev->tasks[0].uid, 0);
	assert_int_equal(ev->tasks[0].tgid, 549);
	assert_int_equal(ev->tasks[0].total_vm, 2662);
	assert_int_equal(ev->tasks[0].rss, 118);
	assert_int_equal(ev->tasks[0].cpu, 1);
	assert_int_equal(ev->tasks[0].oom_adj, -17);
	assert_int_equal(ev->tasks[0].oom_score_adj, UNSET);
	assert_string_equal(ev->tasks[0].name, "udevd");
	oomsift_event_free(ev);
}

static void test_l8_rhel6(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	parse_header(*state, "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name",
	             &cols);
	assert_int_equal(cols.n, 7);
	assert_int_equal(cols.field[6], TF(oom_score_adj));
	assert_true(oom_apply_task_row(
	    ev, &cols, M("[  549]     0   549     2662      118   1     -17         -1000 udevd")));
	assert_int_equal(ev->tasks[0].pid, 549);
	assert_int_equal(ev->tasks[0].cpu, 1);
	assert_int_equal(ev->tasks[0].oom_adj, -17);
	assert_int_equal(ev->tasks[0].oom_score_adj, -1000);
	assert_string_equal(ev->tasks[0].name, "udevd");
	oomsift_event_free(ev);
}

static void test_l8_3_x_rhel7(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	parse_header(*state,
	             "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
	             &cols);
	assert_int_equal(cols.n, 7);
	assert_int_equal(cols.field[4], TF(nr_ptes));
	assert_int_equal(cols.field[5], TF(swapents));
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[ 6576]    27  6576  8478723  5157251   10117        3             0 mysqld")));
	assert_int_equal(ev->tasks[0].pid, 6576);
	assert_int_equal(ev->tasks[0].uid, 27);
	assert_int_equal(ev->tasks[0].total_vm, 8478723);
	assert_int_equal(ev->tasks[0].rss, 5157251);
	assert_int_equal(ev->tasks[0].nr_ptes, 10117);
	assert_int_equal(ev->tasks[0].swapents, 3);
	assert_int_equal(ev->tasks[0].oom_score_adj, 0);
	assert_int_equal(ev->tasks[0].cpu, UNSET);
	assert_string_equal(ev->tasks[0].name, "mysqld");
	oomsift_event_free(ev);
}

static void test_l8_4_x_nr_pmds(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	parse_header(*state,
	             "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj "
	             "name",
	             &cols);
	assert_int_equal(cols.n, 8);
	assert_int_equal(cols.field[5], TF(nr_pmds));
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[  390]     0   390    10563      158      23       3       12         -1000 "
	      "systemd-udevd")));
	assert_int_equal(ev->tasks[0].pid, 390);
	assert_int_equal(ev->tasks[0].nr_ptes, 23);
	assert_int_equal(ev->tasks[0].nr_pmds, 3);
	assert_int_equal(ev->tasks[0].swapents, 12);
	assert_int_equal(ev->tasks[0].oom_score_adj, -1000);
	assert_string_equal(ev->tasks[0].name, "systemd-udevd");
	oomsift_event_free(ev);
}

static void test_l8_4_14_rc_nr_puds(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	parse_header(*state,
	             "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds nr_puds swapents "
	             "oom_score_adj name",
	             &cols);
	assert_int_equal(cols.n, 9);
	assert_int_equal(cols.field[6], TF(nr_puds));
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[  390]     0   390    10563      158      23       3       2       12         "
	      "-1000 systemd-udevd")));
	assert_int_equal(ev->tasks[0].nr_puds, 2);
	assert_int_equal(ev->tasks[0].swapents, 12);
	assert_int_equal(ev->tasks[0].oom_score_adj, -1000);
	assert_string_equal(ev->tasks[0].name, "systemd-udevd");
	oomsift_event_free(ev);
}

static void test_l8_4_15_pgtables(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	parse_header(*state,
	             "[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj "
	             "name",
	             &cols);
	assert_int_equal(cols.n, 7);
	assert_int_equal(cols.field[4], TF(pgtables_bytes));
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[ 1234]  1000  1234   100000     5000   200704        0           200 java")));
	assert_int_equal(ev->tasks[0].pid, 1234);
	assert_int_equal(ev->tasks[0].pgtables_bytes, 200704);
	assert_int_equal(ev->tasks[0].oom_score_adj, 200);
	assert_int_equal(ev->tasks[0].nr_ptes, UNSET);
	assert_string_equal(ev->tasks[0].name, "java");
	oomsift_event_free(ev);
}

static void test_l8_4_19(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	assert_int_equal(classify(M("Tasks state (memory values in pages):")), OOM_TASKS_STATE);
	parse_header(*state,
	             "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents "
	             "oom_score_adj name",
	             &cols);
	assert_int_equal(cols.n, 7);
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[    246]     0   246    16404       66   159744      303          -250 "
	      "systemd-journal")));
	assert_int_equal(ev->tasks[0].pid, 246);
	assert_int_equal(ev->tasks[0].tgid, 246);
	assert_int_equal(ev->tasks[0].total_vm, 16404);
	assert_int_equal(ev->tasks[0].rss, 66);
	assert_int_equal(ev->tasks[0].pgtables_bytes, 159744);
	assert_int_equal(ev->tasks[0].swapents, 303);
	assert_int_equal(ev->tasks[0].oom_score_adj, -250);
	assert_string_equal(ev->tasks[0].name, "systemd-journal");
	oomsift_event_free(ev);
}

static void test_l8_6_8(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	parse_header(*state,
	             "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
	             "pgtables_bytes swapents oom_score_adj name",
	             &cols);
	assert_int_equal(cols.n, 10);
	assert_int_equal(cols.field[4], TF(rss_anon));
	assert_int_equal(cols.field[5], TF(rss_file));
	assert_int_equal(cols.field[6], TF(rss_shmem));
	assert_int_equal(cols.field[9], TF(oom_score_adj));
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[    812]   101   812    22966      700      500      150        50    90112        "
	      "0             0 systemd-timesyn")));
	assert_int_equal(ev->tasks[0].pid, 812);
	assert_int_equal(ev->tasks[0].uid, 101);
	assert_int_equal(ev->tasks[0].rss, 700);
	assert_int_equal(ev->tasks[0].rss_anon, 500);
	assert_int_equal(ev->tasks[0].rss_file, 150);
	assert_int_equal(ev->tasks[0].rss_shmem, 50);
	assert_int_equal(ev->tasks[0].pgtables_bytes, 90112);
	assert_int_equal(ev->tasks[0].swapents, 0);
	assert_int_equal(ev->tasks[0].oom_score_adj, 0);
	assert_string_equal(ev->tasks[0].name, "systemd-timesyn");
	oomsift_event_free(ev);
}

static void test_l8_row_shapes(void **state)
{
	oom_columns cols;
	oomsift_event *ev = ev_new();

	parse_header(*state,
	             "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents "
	             "oom_score_adj name",
	             &cols);
	/* Names keep their spaces and parentheses; trailing blanks go. */
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[   5000]  1000  5000   900000    50000   800000        0           167 "
	      "Web Content  ")));
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[   1240]  1000  1240    42000      900    90112        0           100 (sd-pam)")));
	/* A pid wider than the field widens the bracket. */
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[1833435]  1000 1833435  3000000  2000000  4000000        0             0 java")));
	/* A row behind an unknown prefix. */
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("> [  390]     0   390    10563      158    77824        0         -1000 "
	      "systemd-udevd")));
	/* A row still carrying a kernel timestamp. */
	assert_true(oom_apply_task_row(
	    ev, &cols,
	    M("[  123.456789] [  391]     0   391     1000      100    40960        0             "
	      "0 cron")));
	/* Too few numbers: not a row. */
	assert_false(oom_apply_task_row(ev, &cols, M("[  392]     0   392    12345 foo")));
	assert_false(oom_apply_task_row(ev, &cols, M("no bracket at all")));

	assert_int_equal(ev->ntasks, 5);
	assert_int_equal(ev->tasks[0].pid, 5000);
	assert_int_equal(ev->tasks[0].oom_score_adj, 167);
	assert_string_equal(ev->tasks[0].name, "Web Content");
	assert_int_equal(ev->tasks[1].pid, 1240);
	assert_string_equal(ev->tasks[1].name, "(sd-pam)");
	assert_int_equal(ev->tasks[2].pid, 1833435);
	assert_int_equal(ev->tasks[2].tgid, 1833435);
	assert_int_equal(ev->tasks[2].rss, 2000000);
	assert_string_equal(ev->tasks[2].name, "java");
	assert_int_equal(ev->tasks[3].pid, 390);
	assert_int_equal(ev->tasks[3].oom_score_adj, -1000);
	assert_string_equal(ev->tasks[3].name, "systemd-udevd");
	assert_int_equal(ev->tasks[4].pid, 391);
	assert_string_equal(ev->tasks[4].name, "cron");
	oomsift_event_free(ev);
}

/* ---- §1.4 lookalikes ---- */

static void test_classify_lookalikes(void **state)
{
	static const char *const lookalikes[] = {
	    "httpd: page allocation failure. order:0, mode:0x20",
	    "java: page allocation failure: order:2, mode:0x4020",
	    "kworker/u8:1: page allocation failure: order:4, mode:0x40cc0(GFP_KERNEL|__GFP_COMP), "
	    "nodemask=(null),cpuset=/,mems_allowed=0",
	    "java: page allocation stalls for 10012ms, order:0, "
	    "mode:0x14200ca(GFP_HIGHUSER_MOVABLE)",
	    "vmalloc: allocation failure, allocated 12288 of 16384 bytes",
	    "vmalloc: allocation failure: 1048576 bytes",
	    "insmod: vmalloc error: size 8192, failed to allocate pages, mode:0xcc0(GFP_KERNEL), "
	    "nodemask=(null),cpuset=/,mems_allowed=0",
	    "insmod: vmalloc error: size 8192, vm_struct allocation failed",
	    "__vm_enough_memory: pid: 1234, comm: java, not enough memory for the allocation",
	    "__vm_enough_memory: pid: 1234, comm: java, bytes: 4096 not enough memory for the "
	    "allocation",
	    "sysrq: Show Memory",
	    "SysRq : Show Memory",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(lookalikes) / sizeof(lookalikes[0]); i++) {
		oom_line t = oom_classify_marker(M(lookalikes[i]));
		if (t != OOM_LOOKALIKE)
			fail_msg("'%s' classified %d, not OOM_LOOKALIKE", lookalikes[i], (int)t);
	}
	/* Kills by others are not kernel OOM kills either. */
	assert_int_equal(oom_classify_marker(M("Killing process 1234 (java) with signal SIGKILL.")),
	                 OOM_NONE);
	assert_int_equal(
	    oom_classify_marker(M("lowmemorykiller: Killing 'com.example' (1234), adj 906,")),
	    OOM_NONE);
}

static void test_classify_panic_end_marker(void **state)
{
	(void)state;
	assert_int_not_equal(
	    oom_classify_marker(M("---[ end Kernel panic - not syncing: Out of memory: system-wide "
	                          "panic_on_oom is enabled ]---")),
	    OOM_PANIC);
	assert_int_equal(
	    oom_classify_marker(M("Kernel panic - not syncing: System is deadlocked on "
	                          "memory")),
	    OOM_PANIC);
}

static void test_classify_markers(void **state)
{
	(void)state;
	assert_int_equal(oom_classify_marker(M("sysrq: Manual OOM execution")), OOM_SYSRQ);
	assert_int_equal(oom_classify_marker(M("SysRq : Manual OOM execution")), OOM_SYSRQ);
	assert_int_equal(
	    oom_classify_marker(M("Linux version 6.1.0-18-amd64 (debian-kernel@lists)")), OOM_BOOT);
	assert_int_equal(oom_classify_marker(M("e1000e: eth0 NIC Link is Up")), OOM_NONE);
	/* Body lines are no markers: outside a report they are ignored. */
	assert_int_equal(oom_classify_marker(M("Mem-Info:")), OOM_NONE);
	assert_int_equal(oom_classify_marker(M("Hardware name: QEMU Standard PC")), OOM_NONE);
	assert_int_equal(oom_classify_marker(M("memory: usage 1kB, limit 1kB, failcnt 0")),
	                 OOM_NONE);
}

static void test_classify_body(void **state)
{
	(void)state;
	assert_int_equal(
	    oom_classify_body(M("Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)")),
	    OOM_HARDWARE);
	assert_int_equal(oom_classify_body(M("Workqueue: events moom_callback")), OOM_WORKQUEUE);
	assert_int_equal(oom_classify_body(M("lowmem_reserve[]: 0 2780 15835 15835")), OOM_LOWMEM);
	assert_int_equal(oom_classify_body(M("Node 0 DMA32 per-cpu:")), OOM_PERCPU);
	assert_int_equal(oom_classify_body(M("CPU    0: hi:  186, btch:  31 usd:  26")),
	                 OOM_PERCPU);
	assert_int_equal(oom_classify_body(M("Call Trace:")), OOM_NONE);
	assert_int_equal(oom_classify_body(M("e1000e: eth0 NIC Link is Up")), OOM_NONE);
}

/* Fixed: oom_apply_summary() ended mems_allowed= at the first ',', but the kernel
 * prints it with %*pbl, so a nodemask of non-adjacent nodes holds commas
 * ("0,2", "0-1,3"; kernel-formats.md Appendix B L9: mems_allowed=([\d,-]*)).
 * mems_allowed comes out as "0". nodemask= is fine: it ends at ",cpuset=". */
static void test_l9_mems_allowed_with_comma(void **state)
{
	oomsift_event *ev = ev_new();
	const char *line = "oom-kill:constraint=CONSTRAINT_CPUSET,nodemask=0,2,cpuset=app,"
	                   "mems_allowed=0,2,global_oom,task_memcg=/system.slice/app.service,"
	                   "task=app,pid=10,uid=0";

	(void)state;
	assert_true(oom_apply_summary(ev, M(line)));
	assert_string_equal(ev->oom_constraint, "CONSTRAINT_CPUSET");
	assert_string_equal(ev->nodemask, "0,2");
	assert_string_equal(ev->cpuset, "app");
	assert_string_equal(ev->task_memcg, "/system.slice/app.service");
	assert_string_equal(ev->victim_comm, "app");
	assert_string_equal(ev->mems_allowed, "0,2");
	oomsift_event_free(ev);
}

/* Fixed: stat_unit() called a memory.stat key a count only when it started with
 * pg, thp_, workingset_, …; on cgroup v1, 6.4+ prints the v1 key set in the
 * OOM report (kernel-formats.md §1.3 L5), whose hierarchical event counters
 * are total_pgpgin, total_pgpgout, total_pgfault, total_pgmajfault. Those
 * are stored with unit "bytes" instead of "count". */
static void test_l5_memcg_stat_v1_total_counts(void **state)
{
	oomsift_event *ev = ev_new();
	const char *section = NULL;

	assert_true(
	    oom_apply_memcg_stats(*state, ev, M("Memory cgroup stats for /docker:"), &section));
	assert_non_null(section);
	assert_true(oom_apply_memcg_stat_kv(*state, ev, section, M("total_rss 1048576")));
	assert_true(oom_apply_memcg_stat_kv(*state, ev, section, M("pgfault 77")));
	assert_true(oom_apply_memcg_stat_kv(*state, ev, section, M("total_pgfault 123")));
	check_kv(ev, "memcg_stat /docker", "total_rss", 1048576, "bytes");
	check_kv(ev, "memcg_stat /docker", "pgfault", 77, "count");
	check_kv(ev, "memcg_stat /docker", "total_pgfault", 123, "count");
	oomsift_event_free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_l1_2_6_30_oomkilladj),
	    cmocka_unit_test(test_l1_2_6_32_oom_adj),
	    cmocka_unit_test(test_l1_rhel6),
	    cmocka_unit_test(test_l1_3_10_hex_only),
	    cmocka_unit_test(test_l1_4_9_nodemask),
	    cmocka_unit_test(test_l1_4_14_two_spaces),
	    cmocka_unit_test(test_l1_4_15_nodemask_null),
	    cmocka_unit_test(test_l1_5_x_flags),
	    cmocka_unit_test(test_l1_empty_flags),
	    cmocka_unit_test(test_l1_sysrq_order_minus_one),
	    cmocka_unit_test(test_l1_comm_with_space),
	    cmocka_unit_test(test_l1_rejects_other_text),
	    cmocka_unit_test(test_l3_cpuset),
	    cmocka_unit_test(test_l4_2_6_32_pid_comm),
	    cmocka_unit_test(test_l4_3_10),
	    cmocka_unit_test(test_l4_6_1_tainted_build_id),
	    cmocka_unit_test(test_l4_kdump_loaded),
	    cmocka_unit_test(test_l4_6_12_uid),
	    cmocka_unit_test(test_l4_6_19_preempt),
	    cmocka_unit_test(test_l4_comm_with_space),
	    cmocka_unit_test(test_l4_fixes_prefixed_l1_comm),
	    cmocka_unit_test(test_l9_global_comm_with_comma_equals),
	    cmocka_unit_test(test_l9_memcg),
	    cmocka_unit_test(test_l10_upper),
	    cmocka_unit_test(test_l10_lower_2_6_32),
	    cmocka_unit_test(test_l10_memcg),
	    cmocka_unit_test(test_l11_2_6_32),
	    cmocka_unit_test(test_l11_vsz),
	    cmocka_unit_test(test_l11_rhel6),
	    cmocka_unit_test(test_l11_3_x),
	    cmocka_unit_test(test_l11_rhel7),
	    cmocka_unit_test(test_l11_4_5),
	    cmocka_unit_test(test_l11_5_1_prefix),
	    cmocka_unit_test(test_l11_5_4),
	    cmocka_unit_test(test_l11_5_4_memcg),
	    cmocka_unit_test(test_l11_allocating_task),
	    cmocka_unit_test(test_l11_comm_with_paren_space),
	    cmocka_unit_test(test_l12_shared_mm),
	    cmocka_unit_test(test_l13_group),
	    cmocka_unit_test(test_l14_reaped),
	    cmocka_unit_test(test_l14_unable_to_reap),
	    cmocka_unit_test(test_l15_no_killable_and_panic),
	    cmocka_unit_test(test_l5_memcg_counters),
	    cmocka_unit_test(test_l5_task_in),
	    cmocka_unit_test(test_l5_memcg_stats_inline),
	    cmocka_unit_test(test_l5_memcg_stats_5_3),
	    cmocka_unit_test(test_l6_meminfo_kv),
	    cmocka_unit_test(test_l6_zone),
	    cmocka_unit_test(test_l6_node_4_19),
	    cmocka_unit_test(test_l6_buddy),
	    cmocka_unit_test(test_l6_hugepages),
	    cmocka_unit_test(test_l6_swap),
	    cmocka_unit_test(test_l6_show_mem),
	    cmocka_unit_test(test_l8_2_6_32),
	    cmocka_unit_test(test_l8_rhel6),
	    cmocka_unit_test(test_l8_3_x_rhel7),
	    cmocka_unit_test(test_l8_4_x_nr_pmds),
	    cmocka_unit_test(test_l8_4_14_rc_nr_puds),
	    cmocka_unit_test(test_l8_4_15_pgtables),
	    cmocka_unit_test(test_l8_4_19),
	    cmocka_unit_test(test_l8_6_8),
	    cmocka_unit_test(test_l8_row_shapes),
	    cmocka_unit_test(test_classify_lookalikes),
	    cmocka_unit_test(test_classify_panic_end_marker),
	    cmocka_unit_test(test_classify_markers),
	    cmocka_unit_test(test_classify_body),
	    /* Regression tests of fixed bugs. */
	    cmocka_unit_test(test_l9_mems_allowed_with_comma),
	    cmocka_unit_test(test_l5_memcg_stat_v1_total_counts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
