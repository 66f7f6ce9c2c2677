/*
 * Test helper shared by test_classify.c and test_query.c: synthetic OOM
 * events of known hosts, times and task tables put straight into a store,
 * so that history, trends and named queries have answers worked out by hand;
 * and fixtures of tests/data ingested as the CLI would.
 * Header-only: each test file includes it once.
 */
#ifndef OOMSIFT_TEST_SERIES_H
#define OOMSIFT_TEST_SERIES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oomsift/event.h"
#include "oomsift/ingest.h"
#include "oomsift/store.h"

#define DAY 86400.0
#define T0  1767225600.0 /* 2026-01-01T00:00:00Z */

typedef struct series {
	oomsift_store *s;
	int64_t source_id;
	unsigned char next_fp;
} series;

static void series_open(series *sr, oomsift_store *s)
{
	oomsift_source_info info = {.path = "synthetic", .head = "x", .head_len = 1, .size = 1};
	oomsift_source_pos pos;

	sr->s = s;
	sr->next_fp = 1;
	assert_int_equal(oomsift_store_begin(s), 0);
	assert_int_equal(oomsift_store_source_begin(s, &info, &pos), 0);
	assert_int_equal(oomsift_store_commit(s), 0);
	sr->source_id = pos.id;
}

/* A host-wide kernel OOM (no swap) of host at T0 + day days that killed
 * `comm`, whose task row holds rss_kb beside an sshd of 400 KiB;
 * memcg_usage_kb = usage_kb (OOMSIFT_UNSET: none). Returns its id. */
static int64_t series_event(series *sr, const char *host, double day, const char *comm,
                            int64_t rss_kb, int64_t usage_kb)
{
	oomsift_event *ev = oomsift_event_new();
	int64_t id;
	bool inserted;

	assert_non_null(ev);
	memset(ev->fingerprint, sr->next_fp++, sizeof(ev->fingerprint));
	ev->host = oomsift_event_strdup(ev, host, strlen(host));
	ev->has_ts = true;
	ev->ts_unix = T0 + day * DAY;
	ev->kind = OOMSIFT_KERNEL_OOM;
	ev->victim_pid = 1000 + sr->next_fp;
	ev->victim_comm = oomsift_event_strdup(ev, comm, strlen(comm));
	ev->victim_anon_rss_kb = rss_kb;
	ev->victim_file_rss_kb = ev->victim_shmem_rss_kb = 0;
	ev->swap_total_kb = 0;
	ev->memcg_mem.usage_kb = usage_kb;
	ev->has_header = ev->has_kill = ev->has_task_table = true;
	ev->line = sr->next_fp;
	ev->tasks = calloc(2, sizeof(*ev->tasks));
	assert_non_null(ev->tasks);
	ev->tasks_cap = ev->ntasks = 2;
	ev->tasks[0] = (oomsift_task){.pid = 1, .rss = 100, .name = "sshd"};
	ev->tasks[1] = (oomsift_task){.pid = ev->victim_pid, .rss = rss_kb / 4, .name = comm};
	assert_int_equal(oomsift_store_begin(sr->s), 0);
	assert_int_equal(oomsift_store_put_event(sr->s, ev, sr->source_id, &id, &inserted), 0);
	assert_int_equal(oomsift_store_commit(sr->s), 0);
	assert_true(inserted);
	oomsift_event_free(ev);
	return id;
}

/* Ingests tests/data/REL into the store (host and year as the CLI's --host
 * and --year: NULL and 0 leave them to the log); no file may fail. */
static void ingest_fixture(oomsift_store *s, const char *rel, const char *host, int year)
{
	oomsift_ingest_opts o = {.host = host, .year = year};
	oomsift_ingest *in;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", OOMSIFT_TEST_DATA, rel);
	assert_int_equal(oomsift_ingest_new(&in, s, &o), 0);
	assert_int_equal(oomsift_ingest_file(in, path), 0);
	assert_int_equal(oomsift_ingest_finish(in), 0);
	assert_int_equal(oomsift_ingest_stats_get(in)->failed, 0);
	oomsift_ingest_free(in);
}

#endif
