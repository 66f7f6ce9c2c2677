/* oomsift show: one event as a person reads it. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "common/timeutil.h"
#include "oomsift/classify.h"
#include "oomsift/error.h"
#include "oomsift/store.h"

static struct {
	const char *db, *id;
	bool raw;
} o;

static const cli_opt show_opts[] = {
    DB_OPTION(&o.db),
    {CLI_SWITCH, 'r', "raw", NULL, "also print the report's lines as they were read", &o.raw,
     false},
    {CLI_ARG, 0, "id", NULL, "event id (the id column of oom_events)", &o.id, true},
    {0},
};

const cli_command cmd_show_spec = {
    "show",
    "show one stored event",
    "Prints when and where, the root cause (every rule that matched, the primary one\n"
    "first, with its evidence and advice), the trigger, the constraint, the victim and\n"
    "its memory, the host or cgroup memory picture, and the ten largest tasks by RSS\n"
    "with the trigger and the victim marked. Sizes in the task table assume 4 KiB pages.",
    "  oomsift show 12\n  oomsift show --raw 12\n",
    show_opts,
};

#define PAGE_KB 4

/* "512.0 MiB"; sizes in kB. */
static const char *human_kb(int64_t kb, char *out, size_t len)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	double v = (double)kb;
	int u = 0;

	if (kb == OOMSIFT_UNSET)
		return "?";
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(out, len, u ? "%.1f %s" : "%.0f %s", v, units[u]);
	return out;
}

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static const char *kind_text(oomsift_event_kind kind)
{
	switch (kind) {
	case OOMSIFT_MEMCG_OOM:
		return "memory cgroup limit";
	case OOMSIFT_OOMD_KILL:
		return "systemd-oomd kill";
	case OOMSIFT_EARLYOOM_KILL:
		return "earlyoom kill";
	case OOMSIFT_SYSTEMD_OOM:
		return "OOM kill reported by systemd";
	case OOMSIFT_CONTAINER_OOM:
		return "container OOM reported by containerd";
	case OOMSIFT_K8S_EVICTION:
		return "kubelet memory eviction";
	default:
		return "host-wide out of memory";
	}
}

/* The user-space lines linked to the event, when there are any. */
static void print_links(const oomsift_event *ev)
{
	if (ev->unit)
		printf("  unit        %s%s%s\n", ev->unit, ev->unit_result ? ", result " : "",
		       str_or(ev->unit_result, ""));
	if (ev->container_id)
		printf("  container   %s\n", ev->container_id);
	if (ev->pods)
		printf("  evicted     %s\n", ev->pods);
	if (ev->seen_by)
		printf("  seen by     %s\n", ev->seen_by);
}

static void print_header(const oomsift_event *ev, int64_t id)
{
	char when[40] = "time unknown";

	if (ev->has_ts)
		oomsift_format_iso(ev->ts_unix, 0, when, sizeof(when));
	printf("OOM event %" PRId64 " on %s at %s", id, ev->host, when);
	if (ev->has_uptime)
		printf(" (uptime %.3f s)", ev->uptime_s);
	printf("\n  source      %s:%" PRIu64 "\n", str_or(ev->source, "?"), ev->line);
	printf("  kernel      %s\n", str_or(ev->kernel, "unknown"));
	printf("  kind        %s", kind_text(ev->kind));
	if (ev->oom_constraint)
		printf(" (%s)", ev->oom_constraint);
	if (ev->manual)
		printf(", manual (SysRq-f)");
	/* User-space events are lines of their own: no kernel report to be cut. */
	if (ev->kind == OOMSIFT_KERNEL_OOM || ev->kind == OOMSIFT_MEMCG_OOM)
		printf("\n  report      %s%s%s",
		       oomsift_event_complete(ev) ? "complete" : "incomplete",
		       ev->has_header ? "" : ", header missing (rate-limited or cut)",
		       ev->has_kill || ev->no_killable || ev->panic ? "" : ", kill line missing");
	printf("\n");
	print_links(ev);
}

static void print_trigger(const oomsift_event *ev)
{
	printf("\nTrigger\n  ");
	if (!ev->has_header && ev->trigger_pid == OOMSIFT_UNSET) {
		printf("unknown (no header)\n");
		return;
	}
	printf("%s", str_or(ev->trigger_comm, "?"));
	if (ev->trigger_pid != OOMSIFT_UNSET)
		printf(" (pid %" PRId64 ")", ev->trigger_pid);
	if (ev->alloc_order != OOMSIFT_UNSET)
		printf(" asked for an order-%" PRId64 " allocation", ev->alloc_order);
	if (ev->gfp_mask)
		printf(", gfp_mask %s%s%s%s", ev->gfp_mask, ev->gfp_flags ? " (" : "",
		       str_or(ev->gfp_flags, ""), ev->gfp_flags ? ")" : "");
	if (ev->trigger_oom_score_adj != OOMSIFT_UNSET)
		printf(", oom_score_adj %" PRId64, ev->trigger_oom_score_adj);
	printf("\n");
}

static void print_victim(const oomsift_event *ev)
{
	char a[32], b[32], c[32], d[32], e[32];

	printf("\nVictim\n  ");
	if (ev->victim_pid == OOMSIFT_UNSET) {
		printf(ev->no_killable ? "none: no killable process\n" : "none seen\n");
	} else {
		printf("%s (pid %" PRId64, str_or(ev->victim_comm, "?"), ev->victim_pid);
		if (ev->victim_uid != OOMSIFT_UNSET)
			printf(", uid %" PRId64, ev->victim_uid);
		printf(") killed");
		if (ev->kill_reason)
			printf(": %s", ev->kill_reason);
		if (ev->kill_score != OOMSIFT_UNSET)
			printf(", score %" PRId64, ev->kill_score);
		printf("\n");
		if (ev->victim_anon_rss_kb != OOMSIFT_UNSET) {
			int64_t rss =
			    ev->victim_anon_rss_kb +
			    (ev->victim_file_rss_kb == OOMSIFT_UNSET ? 0 : ev->victim_file_rss_kb) +
			    (ev->victim_shmem_rss_kb == OOMSIFT_UNSET ? 0
			                                              : ev->victim_shmem_rss_kb);
			printf("  rss %s (anon %s, file %s, shmem %s), total-vm %s\n",
			       human_kb(rss, a, sizeof(a)),
			       human_kb(ev->victim_anon_rss_kb, b, sizeof(b)),
			       human_kb(ev->victim_file_rss_kb, c, sizeof(c)),
			       human_kb(ev->victim_shmem_rss_kb, d, sizeof(d)),
			       human_kb(ev->victim_total_vm_kb, e, sizeof(e)));
		}
	}
	for (size_t i = 0; i < ev->nkills; i++) {
		const oomsift_kill *k = &ev->kills[i];
		if (i == 0 && k->kind == OOMSIFT_KILL_VICTIM)
			continue;
		printf("  also: %s %s (pid %" PRId64 ")%s\n", oomsift_kill_kind_name(k->kind),
		       str_or(k->comm, "?"), k->pid, k->oom_group ? " [memory.oom.group]" : "");
	}
	if (ev->panic)
		printf("  kernel panic: %s\n", ev->panic);
}

static void print_counter(const char *label, const oomsift_counter *c)
{
	char a[32], b[32];

	if (c->usage_kb == OOMSIFT_UNSET)
		return;
	printf("  %-12s %s used of ", label, human_kb(c->usage_kb, a, sizeof(a)));
	if (c->limit_kb >= (INT64_C(1) << 52))
		printf("no limit");
	else
		printf("%s limit", human_kb(c->limit_kb, b, sizeof(b)));
	if (c->limit_kb > 0 && c->limit_kb < (INT64_C(1) << 52))
		printf(" (%.0f%%)", 100.0 * (double)c->usage_kb / (double)c->limit_kb);
	printf(", failcnt %" PRId64 "\n", c->failcnt);
}

static int64_t kb_of_bytes(int64_t bytes)
{
	return bytes == OOMSIFT_UNSET ? OOMSIFT_UNSET : bytes / 1024;
}

/* What made systemd-oomd act. */
static void print_oomd(const oomsift_event *ev)
{
	char a[32], b[32];

	if (!isnan(ev->oomd_pressure_pct))
		printf("  pressure     %.2f%% > %.2f%% for %.0f s\n", ev->oomd_pressure_pct,
		       ev->oomd_pressure_limit_pct, ev->oomd_duration_s);
	if (ev->oomd_mem_used_bytes != OOMSIFT_UNSET)
		printf("  memory used  %s of %s\n",
		       human_kb(kb_of_bytes(ev->oomd_mem_used_bytes), a, sizeof(a)),
		       human_kb(kb_of_bytes(ev->oomd_mem_total_bytes), b, sizeof(b)));
	if (ev->oomd_swap_used_bytes != OOMSIFT_UNSET)
		printf("  swap used    %s of %s (limit %.2f%%)\n",
		       human_kb(kb_of_bytes(ev->oomd_swap_used_bytes), a, sizeof(a)),
		       human_kb(kb_of_bytes(ev->oomd_swap_total_bytes), b, sizeof(b)),
		       ev->oomd_swap_limit_pct);
}

static void print_memory(const oomsift_event *ev)
{
	char a[32], b[32];

	printf("\nMemory\n");
	if (ev->ram_pages != OOMSIFT_UNSET)
		printf("  RAM          %s (%" PRId64 " pages)\n",
		       human_kb(ev->ram_pages * PAGE_KB, a, sizeof(a)), ev->ram_pages);
	if (ev->swap_total_kb == 0)
		printf("  swap         none configured\n");
	else if (ev->swap_total_kb != OOMSIFT_UNSET)
		printf("  swap         %s free of %s\n", human_kb(ev->swap_free_kb, a, sizeof(a)),
		       human_kb(ev->swap_total_kb, b, sizeof(b)));
	if (ev->mem_avail_kb != OOMSIFT_UNSET)
		printf("  available    %s of %s\n", human_kb(ev->mem_avail_kb, a, sizeof(a)),
		       human_kb(ev->mem_total_kb, b, sizeof(b)));
	print_oomd(ev);
	if (ev->oom_memcg)
		printf("  cgroup       %s (%s)\n", ev->oom_memcg,
		       ev->kind == OOMSIFT_OOMD_KILL ? "monitored" : "limit reached");
	if (ev->task_memcg && (!ev->oom_memcg || strcmp(ev->task_memcg, ev->oom_memcg) != 0))
		printf("  victim in    %s\n", ev->task_memcg);
	print_counter("memory", &ev->memcg_mem);
	print_counter("swap", &ev->memcg_swap);
	print_counter("memory+swap", &ev->memcg_memsw);
	print_counter("kmem", &ev->memcg_kmem);
}

static int by_rss_desc(const void *a, const void *b)
{
	const oomsift_task *x = a, *y = b;

	return (y->rss > x->rss) - (y->rss < x->rss);
}

static void print_tasks(oomsift_event *ev)
{
	char a[32], b[32];
	size_t n = ev->ntasks < 10 ? ev->ntasks : 10;

	if (!ev->has_task_table) {
		printf("\nTasks\n  no task table in this report\n");
		return;
	}
	qsort(ev->tasks, ev->ntasks, sizeof(*ev->tasks), by_rss_desc);
	printf("\nLargest tasks (%zu of %zu, by RSS)\n", n, ev->ntasks);
	printf("  %-8s %9s %6s %10s %10s %6s  %s\n", "", "pid", "uid", "rss", "swap", "adj",
	       "name");
	for (size_t i = 0; i < n; i++) {
		const oomsift_task *t = &ev->tasks[i];
		const char *role = t->pid == ev->victim_pid    ? "victim"
		                   : t->pid == ev->trigger_pid ? "trigger"
		                                               : "";
		printf(
		    "  %-8s %9" PRId64 " %6" PRId64 " %10s %10s %6" PRId64 "  %s\n", role, t->pid,
		    t->uid == OOMSIFT_UNSET ? 0 : t->uid,
		    human_kb(t->rss == OOMSIFT_UNSET ? OOMSIFT_UNSET : t->rss * PAGE_KB, a,
		             sizeof(a)),
		    human_kb(t->swapents == OOMSIFT_UNSET ? OOMSIFT_UNSET : t->swapents * PAGE_KB,
		             b, sizeof(b)),
		    t->oom_score_adj == OOMSIFT_UNSET ? 0 : t->oom_score_adj, t->name);
	}
}

/* One matching rule: "memcg_limit (medium), rule memcg_limit" and its texts. */
static int print_cause(void *ctx, const oomsift_classification *c)
{
	int *n = ctx;

	printf("  %s%s (%s), rule %s\n", (*n)++ ? "also: " : "", c->cause, c->severity, c->rule_id);
	if (c->evidence && *c->evidence)
		printf("    evidence  %s\n", c->evidence);
	if (c->advice && *c->advice)
		printf("    advice    %s\n", c->advice);
	return 0;
}

static int print_causes(oomsift_store *store, int64_t id)
{
	int n = 0, rc;

	printf("\nCause\n");
	if ((rc = oomsift_classification_list(store, OOMSIFT_SUBJECT_EVENT, id, print_cause, &n)) <
	    0)
		return rc;
	if (!n)
		printf("  none found (or not classified yet: 'oomsift classify')\n");
	return 0;
}

int cmd_show(int argc, char **argv)
{
	oomsift_store *store;
	oomsift_event *ev;
	char *end;
	long long id;
	int code, rc;

	memset(&o, 0, sizeof(o));
	if (cli_parse(&cmd_show_spec, argc, argv, &code) < 0)
		return code;
	id = strtoll(o.id, &end, 10);
	if (*end || id <= 0) {
		cli_error("an event id is a positive number, not '%s'", o.id);
		return EXIT_USAGE;
	}
	if ((rc = oomsift_store_open(&store, cmd_db_path(o.db), OOMSIFT_STORE_READONLY)) < 0)
		return cmd_fail(rc);
	if ((rc = oomsift_store_load_event(store, id, o.raw, &ev)) < 0) {
		oomsift_store_free(store);
		return cmd_fail(rc);
	}
	print_header(ev, id);
	rc = print_causes(store, id);
	oomsift_store_free(store);
	if (rc < 0) {
		oomsift_event_free(ev);
		return cmd_fail(rc);
	}
	/* User-space actors print no trigger and no task table. */
	if (ev->kind == OOMSIFT_KERNEL_OOM || ev->kind == OOMSIFT_MEMCG_OOM)
		print_trigger(ev);
	print_victim(ev);
	print_memory(ev);
	if (ev->kind == OOMSIFT_KERNEL_OOM || ev->kind == OOMSIFT_MEMCG_OOM)
		print_tasks(ev);
	if (o.raw && ev->raw.len)
		printf("\nRaw report\n%s", ev->raw.data);
	oomsift_event_free(ev);
	return EXIT_OK;
}
