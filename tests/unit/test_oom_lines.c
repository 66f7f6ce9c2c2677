/* Unit tests for parse/oom_lines.c: the L1..L16 recognisers of kernel-formats.md §1.3. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

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

/* ---- Table-driven families ----
 *
 * Where many cases share one shape (apply one line, check the fields it
 * sets), each case is a row of a static table and one test loops over the
 * table. Every row has a name; these checks fail with a message that gives
 * the row's name, the field and both values. */

/* v in decimal, or "UNSET". */
static const char *int_text(char *buf, size_t size, int64_t v)
{
	if (v == UNSET)
		return "UNSET";
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

static void want_int(const char *name, const char *what, int64_t got, int64_t want)
{
	char g[24], w[24];

	if (got != want)
		fail_msg("case \"%s\": %s is %s, want %s", name, what, int_text(g, sizeof(g), got),
		         int_text(w, sizeof(w), want));
}

/* NULL prints unquoted: a field may hold the text "(null)". */
static void want_str(const char *name, const char *what, const char *got, const char *want)
{
	if (got == want || (got && want && strcmp(got, want) == 0))
		return;
	fail_msg("case \"%s\": %s is %s%s%s, want %s%s%s", name, what, got ? "\"" : "",
	         got ? got : "NULL", got ? "\"" : "", want ? "\"" : "", want ? want : "NULL",
	         want ? "\"" : "");
}

static void want_true(const char *name, const char *what, bool ok)
{
	if (!ok)
		fail_msg("case \"%s\": %s is false", name, what);
}

#define WANT_INT(name, got, want) want_int(name, #got, (got), (want))
#define WANT_STR(name, got, want) want_str(name, #got, (got), (want))
#define WANT_TRUE(name, expr)     want_true(name, #expr, (expr))

/* ---- L1 ---- */

/* An L1 line and every L1 field; NULL and UNSET for the fields it lacks. */
typedef struct invoked_case {
	const char *name, *line;
	const char *comm, *gfp_mask, *gfp_flags, *nodemask;
	int64_t order, oom_adj, oom_score_adj;
} invoked_case;

/* name, line, comm, gfp_mask, gfp_flags, nodemask, order, oom_adj, oom_score_adj */
static const invoked_case invoked_cases[] = {
    {"2.6.30 oomkilladj", "app invoked oom-killer: gfp_mask=0x201d2, order=0, oomkilladj=-17",
     "app", "0x201d2", NULL, NULL, 0, -17, UNSET},
    {"2.6.32 oom_adj", "httpd invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=-3", "httpd",
     "0x201da", NULL, NULL, 0, -3, UNSET},
    {"RHEL6 oom_adj and oom_score_adj",
     "app.out invoked oom-killer: gfp_mask=0x200da, order=0, oom_adj=-17, oom_score_adj=-1000",
     "app.out", "0x200da", NULL, NULL, 0, -17, -1000},
    {"3.10 hex only", "sed invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0", "sed",
     "0x201da", NULL, NULL, 0, UNSET, 0},
    {"3.10 hex only, negative oom_score_adj",
     "vd-net-config invoked oom-killer: gfp_mask=0x80d0, order=0, oom_score_adj=-900",
     "vd-net-config", "0x80d0", NULL, NULL, 0, UNSET, -900},
    {"4.9 flags and nodemask",
     "java invoked oom-killer: gfp_mask=0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD), "
     "nodemask=0-1, order=0, oom_score_adj=0",
     "java", "0x24201ca", "GFP_HIGHUSER_MOVABLE|__GFP_COLD", "0-1", 0, UNSET, 0},
    {"4.14 two spaces before order",
     "java invoked oom-killer: gfp_mask=0x14200ca(GFP_HIGHUSER_MOVABLE), "
     "nodemask=(null),  order=0, oom_score_adj=0",
     "java", "0x14200ca", "GFP_HIGHUSER_MOVABLE", "(null)", 0, UNSET, 0},
    {"4.15 nodemask=(null)",
     "mysqld invoked oom-killer: gfp_mask=0x6200ca(GFP_HIGHUSER_MOVABLE), "
     "nodemask=(null), order=0, oom_score_adj=-600",
     "mysqld", "0x6200ca", "GFP_HIGHUSER_MOVABLE", "(null)", 0, UNSET, -600},
    {"5.x flags, no nodemask",
     "php-fpm invoked oom-killer: gfp_mask=0x1100cca(GFP_HIGHUSER_MOVABLE), "
     "order=0, oom_score_adj=0",
     "php-fpm", "0x1100cca", "GFP_HIGHUSER_MOVABLE", NULL, 0, UNSET, 0},
    {"5.x three flags, order 3",
     "doxygen invoked oom-killer: "
     "gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO), order=3, oom_score_adj=500",
     "doxygen", "0x140dca", "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO", NULL, 3, UNSET, 500},
    {"empty flags", "t invoked oom-killer: gfp_mask=0x0(), order=0, oom_score_adj=0", "t", "0x0",
     "", NULL, 0, UNSET, 0},
    {"SysRq order=-1",
     "kworker/0:2 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=-1, oom_score_adj=0",
     "kworker/0:2", "0xcc0", "GFP_KERNEL", NULL, -1, UNSET, 0},
    {"comm with a space",
     "Web Content invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), "
     "order=0, oom_score_adj=167",
     "Web Content", "0x140cca", "GFP_HIGHUSER_MOVABLE|__GFP_COMP", NULL, 0, UNSET, 167},
};

/* Applies each L1 line to a new event and checks every L1 field. */
static void test_l1_invoked(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(invoked_cases); i++) {
		const invoked_case *c = &invoked_cases[i];
		oomsift_event *ev = ev_new();

		WANT_INT(c->name, classify(M(c->line)), OOM_INVOKED);
		WANT_TRUE(c->name, oom_apply_invoked(*state, ev, M(c->line)));
		WANT_TRUE(c->name, ev->has_header);
		WANT_STR(c->name, ev->trigger_comm, c->comm);
		WANT_STR(c->name, ev->gfp_mask, c->gfp_mask);
		WANT_STR(c->name, ev->gfp_flags, c->gfp_flags);
		WANT_STR(c->name, ev->nodemask, c->nodemask);
		WANT_INT(c->name, ev->alloc_order, c->order);
		WANT_INT(c->name, ev->trigger_oom_adj, c->oom_adj);
		WANT_INT(c->name, ev->trigger_oom_score_adj, c->oom_score_adj);
		WANT_INT(c->name, ev->manual, c->order == -1);
		oomsift_event_free(ev);
	}
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

/* An L4 stack header and every L4 field; UNSET for the fields it lacks. */
typedef struct stack_case {
	const char *name, *line;
	int64_t cpu, uid, pid;
	const char *comm, *tainted, *kernel;
} stack_case;

/* name, line, cpu, uid, pid, comm, tainted, kernel */
static const stack_case stack_cases[] = {
    {"2.6.32 Pid: comm:", "Pid: 15462, comm: t Not tainted 2.6.32-220.7.1.el6.x86_64 #1", UNSET,
     UNSET, 15462, "t", "Not tainted", "2.6.32-220.7.1.el6.x86_64"},
    {"3.10", "CPU: 4 PID: 29481 Comm: sed Not tainted 3.10.0-514.6.1.el7.x86_64 #1", 4, UNSET,
     29481, "sed", "Not tainted", "3.10.0-514.6.1.el7.x86_64"},
    {"6.1 taint flags and build id",
     "CPU: 2 PID: 473206 Comm: doxygen Tainted: G        W  O       6.1.0-18-amd64 "
     "#1 Debian 6.1.76-1 0123456789abcdef0123456789abcdef01234567",
     2, UNSET, 473206, "doxygen", "Tainted: G        W  O", "6.1.0-18-amd64"},
    {"Kdump: loaded",
     "CPU: 3 PID: 999 Comm: java Kdump: loaded Not tainted 4.18.0-147.el8.x86_64 #1", 3, UNSET, 999,
     "java", "Not tainted", "4.18.0-147.el8.x86_64"},
    {"6.12 UID:",
     "CPU: 5 UID: 1000 PID: 3902 Comm: php-fpm Not tainted 6.12.9-amd64 #1 Debian 6.12.9-1", 5,
     1000, 3902, "php-fpm", "Not tainted", "6.12.9-amd64"},
    {"6.19 PREEMPT()",
     "CPU: 0 UID: 0 PID: 77 Comm: stress Not tainted 6.19.0-rc1 #5 PREEMPT(voluntary) ", 0, 0, 77,
     "stress", "Not tainted", "6.19.0-rc1"},
    {"comm with a space",
     "CPU: 1 PID: 5000 Comm: Web Content Not tainted 6.5.0-14-generic #14-Ubuntu", 1, UNSET, 5000,
     "Web Content", "Not tainted", "6.5.0-14-generic"},
};

static void test_l4_stack_header(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(stack_cases); i++) {
		const stack_case *c = &stack_cases[i];
		oomsift_event *ev = ev_new();

		WANT_INT(c->name, classify(M(c->line)), OOM_STACK_HDR);
		WANT_TRUE(c->name, oom_apply_stack_header(*state, ev, M(c->line)));
		WANT_INT(c->name, ev->cpu, c->cpu);
		WANT_INT(c->name, ev->trigger_uid, c->uid);
		WANT_INT(c->name, ev->trigger_pid, c->pid);
		WANT_STR(c->name, ev->trigger_comm, c->comm);
		WANT_STR(c->name, ev->tainted, c->tainted);
		WANT_STR(c->name, ev->kernel, c->kernel);
		oomsift_event_free(ev);
	}
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

/* An L9 line and every L9 field; NULL for the fields it lacks. */
typedef struct summary_case {
	const char *name, *line;
	const char *constraint, *nodemask, *cpuset, *mems_allowed, *oom_memcg, *task_memcg, *comm;
	int64_t pid, uid;
} summary_case;

/* name, line,
 * constraint, nodemask, cpuset, mems_allowed, oom_memcg, task_memcg, comm, pid, uid */
static const summary_case summary_cases[] = {
    {"global, comm with , and =",
     "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,"
     "mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/"
     "session-2.scope,task=a,b=c,pid=4242,uid=1000",
     "CONSTRAINT_NONE", "(null)", "/", "0", NULL, "/user.slice/user-1000.slice/session-2.scope",
     "a,b=c", 4242, 1000},
    {"memcg",
     "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
     "cpuset=docker-a59e.scope,mems_allowed=0,oom_memcg=/lxc/39004,"
     "task_memcg=/lxc/39004/ns/system.slice/docker-a59e.scope,task=php-fpm,pid=3902942,uid=1000",
     "CONSTRAINT_MEMCG", "(null)", "docker-a59e.scope", "0", "/lxc/39004",
     "/lxc/39004/ns/system.slice/docker-a59e.scope", "php-fpm", 3902942, 1000},
};

static void test_l9_summary(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(summary_cases); i++) {
		const summary_case *c = &summary_cases[i];
		oomsift_event *ev = ev_new();

		WANT_INT(c->name, classify(M(c->line)), OOM_SUMMARY);
		WANT_TRUE(c->name, oom_apply_summary(ev, M(c->line)));
		WANT_STR(c->name, ev->oom_constraint, c->constraint);
		WANT_STR(c->name, ev->nodemask, c->nodemask);
		WANT_STR(c->name, ev->cpuset, c->cpuset);
		WANT_STR(c->name, ev->mems_allowed, c->mems_allowed);
		WANT_STR(c->name, ev->oom_memcg, c->oom_memcg);
		WANT_STR(c->name, ev->task_memcg, c->task_memcg);
		WANT_STR(c->name, ev->victim_comm, c->comm);
		WANT_INT(c->name, ev->victim_pid, c->pid);
		WANT_INT(c->name, ev->victim_uid, c->uid);
		oomsift_event_free(ev);
	}
}

/* ---- L10 ---- */

/* An L10 line and every field it sets. */
typedef struct select_case {
	const char *name, *line;
	const char *reason, *comm;
	int64_t pid, score;
} select_case;

/* name, line, kill_reason, victim_comm, victim_pid, kill_score */
static const select_case select_cases[] = {
    {"Kill process", "Out of memory: Kill process 6576 (mysqld) score 651 or sacrifice child",
     "Out of memory", "mysqld", 6576, 651},
    {"2.6.32 kill process", "Out of memory: kill process 2592 (httpd) score 1523215 or a child",
     "Out of memory", "httpd", 2592, 1523215},
    {"memcg", "Memory cgroup out of memory: Kill process 12 (java) score 998 or sacrifice child",
     "Memory cgroup out of memory", "java", 12, 998},
};

static void test_l10_kill_select(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(select_cases); i++) {
		const select_case *c = &select_cases[i];
		oomsift_event *ev = ev_new();

		WANT_INT(c->name, classify(M(c->line)), OOM_KILL_SELECT);
		WANT_TRUE(c->name, oom_apply_kill_select(ev, M(c->line)));
		WANT_INT(c->name, ev->kill_score, c->score);
		WANT_STR(c->name, ev->kill_reason, c->reason);
		WANT_INT(c->name, ev->victim_pid, c->pid);
		WANT_STR(c->name, ev->victim_comm, c->comm);
		oomsift_event_free(ev);
	}
}

/* ---- L11, L12, L14: kill records ---- */

/* A line that yields an oomsift_kill, and every field of it. */
typedef struct kill_case {
	const char *name;
	oom_line type;
	const char *line;
	oomsift_kill want;
} kill_case;

/* name, type, line,
 * {kind, pid, uid, total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb,
 *  oom_score_adj, comm, reason, oom_group} */
static const kill_case kill_cases[] = {
    {"L11 2.6.32",
     OOM_KILLED,
     "Killed process 2592 (httpd)",
     {OOMSIFT_KILL_VICTIM, 2592, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, "httpd", NULL,
      false}},
    {"L11 vsz:",
     OOM_KILLED,
     "Killed process 2592 (httpd) vsz:123456kB, anon-rss:1000kB, file-rss:200kB",
     {OOMSIFT_KILL_VICTIM, 2592, UNSET, 123456, 1000, 200, UNSET, UNSET, UNSET, "httpd", NULL,
      false}},
    {"L11 RHEL6",
     OOM_KILLED,
     "Killed process 15462, UID 500, (t) total-vm:233384kB, anon-rss:51228kB, file-rss:384kB",
     {OOMSIFT_KILL_VICTIM, 15462, 500, 233384, 51228, 384, UNSET, UNSET, UNSET, "t", NULL, false}},
    {"L11 3.x",
     OOM_KILLED,
     "Killed process 6576 (mysqld) total-vm:33914892kB, anon-rss:20629004kB, file-rss:12kB",
     {OOMSIFT_KILL_VICTIM, 6576, UNSET, 33914892, 20629004, 12, UNSET, UNSET, UNSET, "mysqld", NULL,
      false}},
    {"L11 RHEL7",
     OOM_KILLED,
     "Killed process 5372 (mongod), UID 27, total-vm:2539052kB, "
     "anon-rss:2117096kB, file-rss:8kB, shmem-rss:16kB",
     {OOMSIFT_KILL_VICTIM, 5372, 27, 2539052, 2117096, 8, 16, UNSET, UNSET, "mongod", NULL, false}},
    {"L11 4.5 shmem-rss",
     OOM_KILLED,
     "Killed process 6576 (mysqld) total-vm:33914892kB, "
     "anon-rss:20629004kB, file-rss:4kB, shmem-rss:32kB",
     {OOMSIFT_KILL_VICTIM, 6576, UNSET, 33914892, 20629004, 4, 32, UNSET, UNSET, "mysqld", NULL,
      false}},
    {"L11 5.1 reason prefix",
     OOM_KILLED,
     "Out of memory: Killed process 6576 (mysqld) total-vm:33914892kB, "
     "anon-rss:20629004kB, file-rss:4kB, shmem-rss:32kB",
     {OOMSIFT_KILL_VICTIM, 6576, UNSET, 33914892, 20629004, 4, 32, UNSET, UNSET, "mysqld",
      "Out of memory", false}},
    {"L11 5.4",
     OOM_KILLED,
     "Out of memory: Killed process 473206 (doxygen) total-vm:30290680kB, "
     "anon-rss:9234320kB, file-rss:4kB, shmem-rss:0kB, UID:504 pgtables:59264kB oom_score_adj:0",
     {OOMSIFT_KILL_VICTIM, 473206, 504, 30290680, 9234320, 4, 0, 59264, 0, "doxygen",
      "Out of memory", false}},
    {"L11 5.4 memcg",
     OOM_KILLED,
     "Memory cgroup out of memory: Killed process 3902942 (php-fpm) total-vm:14740176kB, "
     "anon-rss:12625252kB, file-rss:0kB, shmem-rss:156088kB, UID:1000 pgtables:26388kB "
     "oom_score_adj:-998",
     {OOMSIFT_KILL_VICTIM, 3902942, 1000, 14740176, 12625252, 0, 156088, 26388, -998, "php-fpm",
      "Memory cgroup out of memory", false}},
    {"L11 oom_kill_allocating_task",
     OOM_KILLED,
     "Out of memory (oom_kill_allocating_task): Killed process 77 (stress) "
     "total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB "
     "oom_score_adj:0",
     {OOMSIFT_KILL_VICTIM, 77, 0, 1000, 900, 0, 0, 40, 0, "stress",
      "Out of memory (oom_kill_allocating_task)", false}},
    {"L11 comm with ') '",
     OOM_KILLED,
     "Out of memory: Killed process 1234 ((sd-pam) x) total-vm:168264kB, "
     "anon-rss:2980kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:88kB oom_score_adj:100",
     {OOMSIFT_KILL_VICTIM, 1234, 1000, 168264, 2980, 0, 0, 88, 100, "(sd-pam) x", "Out of memory",
      false}},
    {"L11 RHEL7 comm with ') '",
     OOM_KILLED,
     "Killed process 1234 ((sd-pam) x), UID 1000, total-vm:168264kB, "
     "anon-rss:2980kB, file-rss:0kB, shmem-rss:0kB",
     {OOMSIFT_KILL_VICTIM, 1234, 1000, 168264, 2980, 0, 0, UNSET, UNSET, "(sd-pam) x", NULL,
      false}},
    {"L12 sharing same memory",
     OOM_SHARED_MM,
     "Kill process 1235 (mysqld) sharing same memory",
     {OOMSIFT_KILL_SHARED_MM, 1235, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, "mysqld", NULL,
      false}},
    {"L14 reaped",
     OOM_REAPED,
     "oom_reaper: reaped process 473206 (doxygen), now anon-rss:12kB, file-rss:4kB, shmem-rss:8kB",
     {OOMSIFT_KILL_REAPED, 473206, UNSET, UNSET, 12, 4, 8, UNSET, UNSET, "doxygen", NULL, false}},
    {"L14 unable to reap",
     OOM_UNABLE_REAP,
     "oom_reaper: unable to reap pid:1234 (java)",
     {OOMSIFT_KILL_UNABLE_TO_REAP, 1234, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, "java",
      NULL, false}},
};

/* Parses a line of the given kill record type into *k. */
static bool parse_kill(oomsift_event *ev, oom_line type, const char *line, oomsift_kill *k)
{
	switch (type) {
	case OOM_KILLED:
		return oom_parse_killed(ev, M(line), k);
	case OOM_SHARED_MM:
		return oom_parse_shared_mm(ev, M(line), k);
	default:
		return oom_parse_reaper(ev, type, M(line), k);
	}
}

static void test_l11_l14_kill_records(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(kill_cases); i++) {
		const kill_case *c = &kill_cases[i];
		const oomsift_kill *w = &c->want;
		oomsift_event *ev = ev_new();
		oomsift_kill k;

		WANT_INT(c->name, classify(M(c->line)), c->type);
		WANT_TRUE(c->name, parse_kill(ev, c->type, c->line, &k));
		WANT_INT(c->name, k.kind, w->kind);
		WANT_INT(c->name, k.pid, w->pid);
		WANT_INT(c->name, k.uid, w->uid);
		WANT_INT(c->name, k.total_vm_kb, w->total_vm_kb);
		WANT_INT(c->name, k.anon_rss_kb, w->anon_rss_kb);
		WANT_INT(c->name, k.file_rss_kb, w->file_rss_kb);
		WANT_INT(c->name, k.shmem_rss_kb, w->shmem_rss_kb);
		WANT_INT(c->name, k.pgtables_kb, w->pgtables_kb);
		WANT_INT(c->name, k.oom_score_adj, w->oom_score_adj);
		WANT_STR(c->name, k.comm, w->comm);
		WANT_STR(c->name, k.reason, w->reason);
		WANT_INT(c->name, k.oom_group, w->oom_group);
		oomsift_event_free(ev);
	}
}

/* ---- L13 ---- */

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

/* A memcg counter line and the counter it fills. */
typedef struct counter_case {
	const char *name, *line;
	size_t counter; /* CTR() of the counter the line fills */
	oomsift_counter want;
} counter_case;

#define CTR(f) offsetof(oomsift_event, f)

static const struct {
	const char *name;
	size_t counter;
} counters[] = {
    {"memcg_mem", CTR(memcg_mem)},
    {"memcg_memsw", CTR(memcg_memsw)},
    {"memcg_kmem", CTR(memcg_kmem)},
    {"memcg_swap", CTR(memcg_swap)},
};

/* name, line, counter, {usage_kb, limit_kb, failcnt} */
static const counter_case counter_cases[] = {
    {"memory:",
     "memory: usage 102400kB, limit 102400kB, failcnt 756",
     CTR(memcg_mem),
     {102400, 102400, 756}},
    /* v1 memory+swap: must not fill the v2 swap counter. */
    {"memory+swap:",
     "memory+swap: usage 206240kB, limit 1048576kB, failcnt 3",
     CTR(memcg_memsw),
     {206240, 1048576, 3}},
    {"kmem:",
     "kmem: usage 5120kB, limit 9007199254740988kB, failcnt 0",
     CTR(memcg_kmem),
     {5120, 9007199254740988LL, 0}},
    {"swap:", "swap: usage 2048kB, limit 4096kB, failcnt 7", CTR(memcg_swap), {2048, 4096, 7}},
};

static void want_counter(const char *name, const oomsift_event *ev, const char *counter, size_t off,
                         const oomsift_counter *want)
{
	oomsift_counter got;
	char what[64];

	memcpy(&got, (const char *)ev + off, sizeof(got));
	snprintf(what, sizeof(what), "ev->%s.usage_kb", counter);
	want_int(name, what, got.usage_kb, want->usage_kb);
	snprintf(what, sizeof(what), "ev->%s.limit_kb", counter);
	want_int(name, what, got.limit_kb, want->limit_kb);
	snprintf(what, sizeof(what), "ev->%s.failcnt", counter);
	want_int(name, what, got.failcnt, want->failcnt);
}

/* One event takes the lines in table order: after each line, every counter
 * holds the last line so far that fills it, or UNSET, so a line fills only
 * its own counter and leaves the others as they were. */
static void test_l5_memcg_counters(void **state)
{
	oomsift_event *ev = ev_new();

	for (size_t i = 0; i < ARRAY_LEN(counter_cases); i++) {
		const counter_case *c = &counter_cases[i];

		WANT_INT(c->name, classify(M(c->line)), OOM_MEMCG_COUNTER);
		WANT_TRUE(c->name, oom_apply_memcg_counter(*state, ev, M(c->line)));
		for (size_t j = 0; j < ARRAY_LEN(counters); j++) {
			oomsift_counter want = {UNSET, UNSET, UNSET};

			for (size_t r = 0; r <= i; r++)
				if (counter_cases[r].counter == counters[j].counter)
					want = counter_cases[r].want;
			want_counter(c->name, ev, counters[j].name, counters[j].counter, &want);
		}
	}
	oomsift_event_free(ev);
}

/* An L5 line naming memcgs, and both memcg fields; NULL for the one it lacks. */
typedef struct task_in_case {
	const char *name;
	oom_line type;
	const char *line, *task_memcg, *oom_memcg;
} task_in_case;

/* name, type, line, task_memcg, oom_memcg */
static const task_in_case task_in_cases[] = {
    {"Task in", OOM_TASK_IN, "Task in /docker/abc killed as a result of limit of /docker",
     "/docker/abc", "/docker"},
    {"Memory limit reached", OOM_LIMIT_REACHED, "Memory limit reached of cgroup /foo/bar", NULL,
     "/foo/bar"},
};

static void test_l5_task_in(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(task_in_cases); i++) {
		const task_in_case *c = &task_in_cases[i];
		oomsift_event *ev = ev_new();

		WANT_INT(c->name, classify(M(c->line)), c->type);
		WANT_TRUE(c->name, oom_apply_task_in(*state, ev, c->type, M(c->line)));
		WANT_STR(c->name, ev->task_memcg, c->task_memcg);
		WANT_STR(c->name, ev->oom_memcg, c->oom_memcg);
		oomsift_event_free(ev);
	}
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

/* ---- L6 node, zone, buddy and hugepages lines ---- */

typedef struct kv_want {
	const char *key;
	int64_t value;
	const char *unit;
} kv_want;

#define MAX_KVS 20

/* A Mem-Info line stored as key/values: its section and every value it stores. */
typedef struct kv_case {
	const char *name;
	oom_line type;
	bool (*apply)(oom_patterns *p, oomsift_event *ev, const char *msg, size_t len);
	const char *line, *section;
	kv_want kvs[MAX_KVS]; /* up to a NULL key */
} kv_case;

/* name, type, apply, line, section, {{key, value, unit}, …} */
static const kv_case kv_cases[] = {
    {"zone",
     OOM_ZONE,
     oom_apply_zone,
     "Node 0 Normal free:36692kB min:36784kB low:45980kB high:55176kB "
     "reserved_highatomic:2048KB active_anon:1000kB isolated(anon):0kB present:16777216kB "
     "pages_scanned:17 all_unreclaimable? yes",
     "zone Node 0 Normal",
     {{"free", 36692, "kB"},
      {"min", 36784, "kB"},
      {"low", 45980, "kB"},
      {"high", 55176, "kB"},
      {"reserved_highatomic", 2048, "kB"},
      {"active_anon", 1000, "kB"},
      {"isolated(anon)", 0, "kB"},
      {"present", 16777216, "kB"},
      {"pages_scanned", 17, "count"},
      {"all_unreclaimable", 1, "bool"}}},
    /* Non-NUMA kernels print the zone without "Node N". */
    {"zone without Node N",
     OOM_ZONE,
     oom_apply_zone,
     "DMA32 free:12000kB min:5000kB low:6000kB high:7000kB all_unreclaimable? no",
     "zone DMA32",
     {{"free", 12000, "kB"},
      {"min", 5000, "kB"},
      {"low", 6000, "kB"},
      {"high", 7000, "kB"},
      {"all_unreclaimable", 0, "bool"}}},
    {"4.19 node",
     OOM_NODE,
     oom_apply_node,
     "Node 0 active_anon:1234kB inactive_anon:0kB active_file:8kB inactive_file:0kB "
     "unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:4kB dirty:0kB "
     "writeback:0kB shmem:0kB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 2048kB "
     "writeback_tmp:0kB unstable:0kB all_unreclaimable? no",
     "node 0",
     {{"active_anon", 1234, "kB"},
      {"inactive_anon", 0, "kB"},
      {"active_file", 8, "kB"},
      {"inactive_file", 0, "kB"},
      {"unevictable", 0, "kB"},
      {"isolated(anon)", 0, "kB"},
      {"isolated(file)", 0, "kB"},
      {"mapped", 4, "kB"},
      {"dirty", 0, "kB"},
      {"writeback", 0, "kB"},
      {"shmem", 0, "kB"},
      {"shmem_thp", 0, "kB"},
      {"shmem_pmdmapped", 0, "kB"},
      {"anon_thp", 2048, "kB"},
      {"writeback_tmp", 0, "kB"},
      {"unstable", 0, "kB"},
      {"all_unreclaimable", 0, "bool"}}},
    {"buddy",
     OOM_BUDDY,
     oom_apply_buddy,
     "Node 0 DMA32: 550*4kB (UM) 250*8kB (UE) 1*4096kB (M) = 63624kB",
     "zone Node 0 DMA32",
     {{"buddy_free", 63624, "kB"}}},
    {"hugepages",
     OOM_HUGEPAGES,
     oom_apply_hugepages,
     "Node 0 hugepages_total=4 hugepages_free=2 hugepages_surp=1 hugepages_size=2048kB",
     "hugepages node 0 size 2048kB",
     {{"total", 4, "count"}, {"free", 2, "count"}, {"surp", 1, "count"}}},
};

static void want_kv(const char *name, const oomsift_event *ev, const char *section,
                    const kv_want *want)
{
	const oomsift_kv *kv = find_kv(ev, section, want->key);
	char what[128];

	if (!kv)
		fail_msg("case \"%s\": no value %s/%s", name, section, want->key);
	snprintf(what, sizeof(what), "%s/%s", section, want->key);
	want_int(name, what, kv->value, want->value);
	snprintf(what, sizeof(what), "unit of %s/%s", section, want->key);
	want_str(name, what, kv->unit, want->unit);
}

/* Each line to a new event: it stores exactly the values of its row. */
static void test_l6_kv_lines(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(kv_cases); i++) {
		const kv_case *c = &kv_cases[i];
		oomsift_event *ev = ev_new();
		size_t n = 0;

		WANT_INT(c->name, classify(M(c->line)), c->type);
		WANT_TRUE(c->name, c->apply(*state, ev, M(c->line)));
		for (; n < MAX_KVS && c->kvs[n].key; n++)
			want_kv(c->name, ev, c->section, &c->kvs[n]);
		WANT_INT(c->name, ev->nkvs, n);
		oomsift_event_free(ev);
	}
}

/* A section name longer than its buffer: the line is not stored (the length
 * snprintf would have written once read 91 bytes of a 64-byte buffer; found
 * by fuzz_parser, fuzz/regressions/fuzz_parser/buddy-long-zone-name). */
static void test_l6_section_name_too_long(void **state)
{
	static const char *const lines[] = {
	    "Node 0 DMA32DMA32DMA32DMA32DMA32DMA32DMA32DMA32DMA32DMA32DMA32DMA32DMA32DMA32DMA32: "
	    "550*4kB (UM) = 2200kB",
	    "Node 00000000000000000000000000000000000000 hugepages_total=4 hugepages_free=2 "
	    "hugepages_surp=1 hugepages_size=20480000000000000000000000000kB",
	};
	bool (*const apply[])(oom_patterns *, oomsift_event *, const char *,
	                      size_t) = {oom_apply_buddy, oom_apply_hugepages};

	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		oomsift_event *ev = ev_new();

		WANT_TRUE(lines[i], !apply[i](*state, ev, M(lines[i])));
		WANT_INT(lines[i], ev->nkvs, 0);
		oomsift_event_free(ev);
	}
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

/* An L8 header, one row under it, and every field of the task the row yields. */
typedef struct task_case {
	const char *name;
	const char *title; /* 4.19+: the line before the header; NULL before */
	const char *header;
	int ncols;
	int cols[OOM_MAX_COLS]; /* TF() of each numeric column between [pid] and name */
	const char *row;
	int64_t pid;
	int64_t vals[OOM_MAX_COLS]; /* the row's number in each column */
	const char *task;           /* the row's name */
} task_case;

/* name, title, header, ncols, {columns}, row, pid, {values}, name; every task
 * field the header has no column for must be UNSET. */
static const task_case task_cases[] = {
    {"2.6.32",
     NULL,
     "[ pid ]   uid  tgid total_vm      rss cpu oom_adj name",
     6,
     {TF(uid), TF(tgid), TF(total_vm), TF(rss), TF(cpu), TF(oom_adj)},
     "[  549]     0   549     2662      118   1     -17 udevd",
     549,
     {0, 549, 2662, 118, 1, -17},
     "udevd"},
    {"RHEL6",
     NULL,
     "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name",
     7,
     {TF(uid), TF(tgid), TF(total_vm), TF(rss), TF(cpu), TF(oom_adj), TF(oom_score_adj)},
     "[  549]     0   549     2662      118   1     -17         -1000 udevd",
     549,
     {0, 549, 2662, 118, 1, -17, -1000},
     "udevd"},
    {"3.x, RHEL7",
     NULL,
     "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
     7,
     {TF(uid), TF(tgid), TF(total_vm), TF(rss), TF(nr_ptes), TF(swapents), TF(oom_score_adj)},
     "[ 6576]    27  6576  8478723  5157251   10117        3             0 mysqld",
     6576,
     {27, 6576, 8478723, 5157251, 10117, 3, 0},
     "mysqld"},
    {"4.x nr_pmds",
     NULL,
     "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name",
     8,
     {TF(uid), TF(tgid), TF(total_vm), TF(rss), TF(nr_ptes), TF(nr_pmds), TF(swapents),
      TF(oom_score_adj)},
     "[  390]     0   390    10563      158      23       3       12         -1000 systemd-udevd",
     390,
     {0, 390, 10563, 158, 23, 3, 12, -1000},
     "systemd-udevd"},
    {"4.14-rc nr_puds",
     NULL,
     "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds nr_puds swapents oom_score_adj name",
     9,
     {TF(uid), TF(tgid), TF(total_vm), TF(rss), TF(nr_ptes), TF(nr_pmds), TF(nr_puds), TF(swapents),
      TF(oom_score_adj)},
     "[  390]     0   390    10563      158      23       3       2       12         "
     "-1000 systemd-udevd",
     390,
     {0, 390, 10563, 158, 23, 3, 2, 12, -1000},
     "systemd-udevd"},
    {"4.15 pgtables_bytes",
     NULL,
     "[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
     7,
     {TF(uid), TF(tgid), TF(total_vm), TF(rss), TF(pgtables_bytes), TF(swapents),
      TF(oom_score_adj)},
     "[ 1234]  1000  1234   100000     5000   200704        0           200 java",
     1234,
     {1000, 1234, 100000, 5000, 200704, 0, 200},
     "java"},
    {"4.19 Tasks state",
     "Tasks state (memory values in pages):",
     "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
     7,
     {TF(uid), TF(tgid), TF(total_vm), TF(rss), TF(pgtables_bytes), TF(swapents),
      TF(oom_score_adj)},
     "[    246]     0   246    16404       66   159744      303          -250 systemd-journal",
     246,
     {0, 246, 16404, 66, 159744, 303, -250},
     "systemd-journal"},
    {"6.8 rss_anon rss_file rss_shmem",
     "Tasks state (memory values in pages):",
     "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
     "pgtables_bytes swapents oom_score_adj name",
     10,
     {TF(uid), TF(tgid), TF(total_vm), TF(rss), TF(rss_anon), TF(rss_file), TF(rss_shmem),
      TF(pgtables_bytes), TF(swapents), TF(oom_score_adj)},
     "[    812]   101   812    22966      700      500      150        50    90112        "
     "0             0 systemd-timesyn",
     812,
     {101, 812, 22966, 700, 500, 150, 50, 90112, 0, 0},
     "systemd-timesyn"},
};

#define TFN(f) [TF(f)] = #f

/* oomsift_task's int64 fields by TF(), for failure messages. */
static const char *const task_fields[] = {
    TFN(pid),           TFN(uid),       TFN(tgid),
    TFN(total_vm),      TFN(rss),       TFN(rss_anon),
    TFN(rss_file),      TFN(rss_shmem), TFN(pgtables_bytes),
    TFN(nr_ptes),       TFN(nr_pmds),   TFN(nr_puds),
    TFN(swapents),      TFN(cpu),       TFN(oom_adj),
    TFN(oom_score_adj),
};
_Static_assert(ARRAY_LEN(task_fields) == offsetof(oomsift_task, name) / sizeof(int64_t),
               "task_fields names every int64 field of oomsift_task");

/* The int64 field of t that TF() numbers i. */
static int64_t task_field(const oomsift_task *t, int i)
{
	int64_t v;

	memcpy(&v, (const char *)t + (size_t)i * sizeof(int64_t), sizeof(v));
	return v;
}

static void test_l8_task_table(void **state)
{
	for (size_t i = 0; i < ARRAY_LEN(task_cases); i++) {
		const task_case *c = &task_cases[i];
		oomsift_event *ev = ev_new();
		oom_columns cols;
		char what[64];

		if (c->title)
			WANT_INT(c->name, classify(M(c->title)), OOM_TASKS_STATE);
		WANT_INT(c->name, classify(M(c->header)), OOM_TASK_HEADER);
		WANT_TRUE(c->name, oom_parse_task_header(*state, M(c->header), &cols));
		WANT_INT(c->name, cols.n, c->ncols);
		for (int j = 0; j < c->ncols; j++) {
			snprintf(what, sizeof(what), "cols.field[%d]", j);
			want_int(c->name, what, cols.field[j], c->cols[j]);
		}
		WANT_TRUE(c->name, oom_apply_task_row(ev, &cols, M(c->row)));
		WANT_INT(c->name, ev->ntasks, 1);
		for (int f = 0; f < (int)ARRAY_LEN(task_fields); f++) {
			int64_t want = f == TF(pid) ? c->pid : UNSET;

			for (int j = 0; j < c->ncols; j++)
				if (c->cols[j] == f)
					want = c->vals[j];
			snprintf(what, sizeof(what), "ev->tasks[0].%s", task_fields[f]);
			want_int(c->name, what, task_field(&ev->tasks[0], f), want);
		}
		WANT_STR(c->name, ev->tasks[0].name, c->task);
		oomsift_event_free(ev);
	}
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
	    "__vm_enough_memory: pid: 3450, comm: xz, no enough memory for the allocation",
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

/* Classification rules needles out by the line's byte pairs before memmem: a
 * needle at either end of the line is found, and a line holding every byte
 * pair of a needle but not the needle falls through to memmem's "no". */
static void test_classify_pair_filter(void **state)
{
	(void)state;
	assert_int_equal(oom_classify_body(M("Mem-Info:")), OOM_MEMINFO);
	assert_int_equal(oom_classify_body(M("xMem-IxInfo:")), OOM_NONE);
	assert_int_equal(oom_classify_body(M("Workqueue:")), OOM_NONE); /* needs the space */
	assert_int_equal(oom_classify_body(M("x Workqueue: ")), OOM_WORKQUEUE);
	assert_int_equal(oom_classify_marker(M("oom_reaper: reaped process ")), OOM_REAPED);
	assert_int_equal(oom_classify_marker(M("oom_reaper: reaped proces")), OOM_NONE);
	/* a one-byte needle ("*" of a buddy line) has no pair to test */
	assert_int_equal(oom_classify_body(M("Node 0 DMA: 1*4kB = 4kB")), OOM_BUDDY);
	assert_int_equal(oom_classify_body(M("Node 0 DMA: 1x4kB = 4kB")), OOM_NONE);
	assert_int_equal(oom_classify_body(M("")), OOM_NONE);
	assert_int_equal(oom_classify_marker(M("")), OOM_NONE);
}

/* The candidate test works on all needles at once: a needle found is found
 * wherever it sits, a line with many of them is still classified by the
 * first rule that holds. */
static void test_classify_many_needles(void **state)
{
	(void)state;
	assert_int_equal(oom_classify_body(M("Node 0 DMA free:1kB min:2kB Mem-Info: 1*4kB = 4kB")),
	                 OOM_MEMINFO);
	assert_int_equal(oom_classify_body(M("prefix hugepages_total=1 free:2kB min:1kB")),
	                 OOM_HUGEPAGES);
	assert_int_equal(oom_classify(M("x invoked oom-killer: Mem-Info:"), true), OOM_INVOKED);
	assert_int_equal(oom_classify(M("Mem-Info:"), false), OOM_NONE);
	assert_int_equal(oom_classify(M("Mem-Info:"), true), OOM_MEMINFO);
	assert_int_equal(oom_classify_body(M("[  pid  ]   uid  tgid total_vm      rss name")),
	                 OOM_TASK_HEADER);
}

/* oom_classify_line() answers as oom_classify() does: for a line seen again,
 * in and out of a report, for lines too long to keep, and for many lines
 * that share its hash slots. */
static void test_classify_line_remembered(void **state)
{
	oom_patterns *p = *state;
	static const char *const lines[] = {
	    "Mem-Info:",
	    "Call Trace:",
	    "Node 0 DMA: 1*4kB = 4kB",
	    "doxygen invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE), order=0, "
	    "oom_score_adj=0",
	    "Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.2-debian-1.16.2-1 "
	    "04/01/2014 and then some more text to pass the length that is kept",
	    "Out of memory: Killed process 1234 (java) total-vm:100kB, anon-rss:10kB",
	};
	char buf[64];

	for (int round = 0; round < 3; round++)
		for (size_t i = 0; i < ARRAY_LEN(lines); i++)
			for (int in_report = 0; in_report < 2; in_report++)
				assert_int_equal(oom_classify_line(p, M(lines[i]), in_report),
				                 oom_classify(M(lines[i]), in_report));
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(buf, sizeof(buf), i % 3 ? "%d pages RAM" : "line %d Mem-Info:", i);
		assert_int_equal(oom_classify_line(p, buf, (size_t)n, true),
		                 oom_classify(buf, (size_t)n, true));
	}
	assert_int_equal(oom_classify_line(p, "", 0, true), OOM_NONE);
}

/* oom_match_stat_kv() gives what the pattern it replaces gives: the same
 * answer and the same groups, on memory.stat lines and on lines near them. */
static void test_l5_stat_kv_as_pattern(void **state)
{
	static const char *const lines[] = {
	    "anon 1234",
	    "total_pgfault 5",
	    "  file_mapped 0  ",
	    "x\tkey_2 -17",
	    "key -",
	    "key --5",
	    "9key 5",
	    "a:key 5",
	    "key  5",
	    "key 5x",
	    " 5",
	    "",
	    "_ 0\n",
	    "Key 5",
	    "prefix text anon 99999999999999999999",
	    "a b c 1",
	};
	oomsift_re re;

	(void)state;
	assert_int_equal(oomsift_re_compile(&re, "(?:^|\\s)([a-z_][a-z0-9_]*) (-?\\d+)\\s*$"), 0);
	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		oomsift_span g[3], key, num;
		bool want = oomsift_re_match(&re, M(lines[i]), g, 3);
		assert_int_equal(oom_match_stat_kv(M(lines[i]), &key, &num), want);
		if (want) {
			assert_ptr_equal(key.ptr, g[1].ptr);
			assert_int_equal(key.len, g[1].len);
			assert_ptr_equal(num.ptr, g[2].ptr);
			assert_int_equal(num.len, g[2].len);
		}
	}
	oomsift_re_free(&re);
}

/* oom_match_zone() and oom_match_buddy() give what the patterns they
 * replace give, groups included. */
static void test_l6_zone_buddy_as_patterns(void **state)
{
	static const char *const lines[] = {
	    "Node 0 DMA free:13312kB boost:0kB min:64kB low:80kB",
	    "DMA32 free:63304kB min:13760kB",
	    "x Node 0 Normal free:1kB ",
	    "Node 0 DMA free:1kB",
	    "Node x DMA free:1kB min:0kB",
	    "Node 0  DMA free:1kB min:0kB",
	    "a:Normal free:1kB min:0kB",
	    "Normal free:kB min",
	    "Node 0 DMA: 0*4kB 0*8kB 1*1024kB (U) = 13312kB",
	    "Node 0 DMA32: 550*4kB (UM) 250*8kB = 63624kB  ",
	    "DMA: 1*4kB = 4kB",
	    "DMA: 1*4kB= 4kB",
	    "DMA: 1*4kB",
	    "DMA: 1*= 4kB",
	    "Node 0 Normal: 6676*4kB (UME) = 62528kB\t",
	    "x Node 1 HighMem: 2*4kB = 8kB",
	    "Node 1 : 2*4kB = 8kB",
	    "= 5kB",
	    "",
	};
	oomsift_re zone, buddy;

	(void)state;
	assert_int_equal(
	    oomsift_re_compile(&zone, "(?:^|\\s)((?:Node \\d+ )?[A-Za-z0-9]+) (free:\\d+kB .*)$"),
	    0);
	assert_int_equal(oomsift_re_compile(&buddy, "(?:^|\\s)((?:Node \\d+ )?[A-Za-z0-9]+): "
	                                            "\\d+\\*\\d+kB.*= (\\d+)kB\\s*$"),
	                 0);
	for (size_t i = 0; i < ARRAY_LEN(lines); i++) {
		oomsift_span g[3], a, b;
		bool want = oomsift_re_match(&zone, M(lines[i]), g, 3);
		assert_int_equal(oom_match_zone(M(lines[i]), &a, &b), want);
		if (want) {
			assert_ptr_equal(a.ptr, g[1].ptr);
			assert_int_equal(a.len, g[1].len);
			assert_ptr_equal(b.ptr, g[2].ptr);
			assert_int_equal(b.len, g[2].len);
		}
		want = oomsift_re_match(&buddy, M(lines[i]), g, 3);
		assert_int_equal(oom_match_buddy(M(lines[i]), &a, &b), want);
		if (want) {
			assert_ptr_equal(a.ptr, g[1].ptr);
			assert_int_equal(a.len, g[1].len);
			assert_ptr_equal(b.ptr, g[2].ptr);
			assert_int_equal(b.len, g[2].len);
		}
	}
	oomsift_re_free(&zone);
	oomsift_re_free(&buddy);
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
	    cmocka_unit_test(test_l1_invoked),
	    cmocka_unit_test(test_l1_rejects_other_text),
	    cmocka_unit_test(test_l3_cpuset),
	    cmocka_unit_test(test_l4_stack_header),
	    cmocka_unit_test(test_l4_fixes_prefixed_l1_comm),
	    cmocka_unit_test(test_l9_summary),
	    cmocka_unit_test(test_l10_kill_select),
	    cmocka_unit_test(test_l11_l14_kill_records),
	    cmocka_unit_test(test_l13_group),
	    cmocka_unit_test(test_l15_no_killable_and_panic),
	    cmocka_unit_test(test_l5_memcg_counters),
	    cmocka_unit_test(test_l5_task_in),
	    cmocka_unit_test(test_l5_memcg_stats_inline),
	    cmocka_unit_test(test_l5_memcg_stats_5_3),
	    cmocka_unit_test(test_l6_meminfo_kv),
	    cmocka_unit_test(test_l6_kv_lines),
	    cmocka_unit_test(test_l6_section_name_too_long),
	    cmocka_unit_test(test_l6_swap),
	    cmocka_unit_test(test_l6_show_mem),
	    cmocka_unit_test(test_l8_task_table),
	    cmocka_unit_test(test_l8_row_shapes),
	    cmocka_unit_test(test_classify_lookalikes),
	    cmocka_unit_test(test_classify_panic_end_marker),
	    cmocka_unit_test(test_classify_markers),
	    cmocka_unit_test(test_classify_body),
	    cmocka_unit_test(test_classify_pair_filter),
	    cmocka_unit_test(test_classify_many_needles),
	    cmocka_unit_test(test_classify_line_remembered),
	    cmocka_unit_test(test_l5_stat_kv_as_pattern),
	    cmocka_unit_test(test_l6_zone_buddy_as_patterns),
	    /* Regression tests of fixed bugs. */
	    cmocka_unit_test(test_l9_mems_allowed_with_comma),
	    cmocka_unit_test(test_l5_memcg_stat_v1_total_counts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
