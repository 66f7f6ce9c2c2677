/*
 * Test helper shared by test_assembler.c and test_userspace.c: an envelope
 * and an assembler fed line by line, collecting the events and memory events
 * they hand out. Header-only: each test file includes it once.
 */
#ifndef OOMSIFT_TEST_PIPELINE_H
#define OOMSIFT_TEST_PIPELINE_H

#include <stdint.h>
#include <string.h>

#include "oomsift/envelope.h"
#include "oomsift/event.h"
#include "oomsift/oom.h"

#define PIPELINE_MAX_EVENTS 128
#define PIPELINE_MAX_MEM    8

typedef struct collector {
	oomsift_event *ev[PIPELINE_MAX_EVENTS];
	size_t n;
	oomsift_memevent mem[PIPELINE_MAX_MEM];
	size_t nmem;
	int fail_mem; /* return this from the memory event callback when < 0 */
} collector;

static int collect(void *ctx, oomsift_event *ev)
{
	collector *c = ctx;

	if (c->n == PIPELINE_MAX_EVENTS) {
		oomsift_event_free(ev);
		return -1;
	}
	c->ev[c->n++] = ev;
	return 0;
}

static int collect_mem(void *ctx, const oomsift_memevent *me)
{
	collector *c = ctx;

	if (c->fail_mem < 0)
		return c->fail_mem;
	if (c->nmem < PIPELINE_MAX_MEM)
		c->mem[c->nmem++] = *me;
	return 0;
}

typedef struct pipeline {
	oomsift_envelope *env;
	oomsift_assembler *as;
	collector out;
	uint64_t lineno;
} pipeline;

/* RFC3164 lines of this pipeline are in `year`; ref_time is "now". */
static void pipeline_init_at(pipeline *p, int year, int64_t ref_time)
{
	oomsift_envelope_opts opts = {.year = year, .ref_time = ref_time};

	memset(p, 0, sizeof(*p));
	assert_int_equal(oomsift_envelope_new(&p->env, &opts), 0);
	assert_int_equal(oomsift_assembler_new(&p->as, "testhost", collect, &p->out), 0);
	oomsift_assembler_set_memevent_cb(p->as, collect_mem, &p->out);
}

static int pipeline_feed_rc(pipeline *p, const char *const *lines, size_t n)
{
	oomsift_record rec;
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++) {
		size_t len = strlen(lines[i]);
		oomsift_envelope_parse(p->env, lines[i], len, ++p->lineno, &rec);
		rc = oomsift_assembler_feed(p->as, &rec, lines[i], len);
	}
	return rc;
}

static void pipeline_feed(pipeline *p, const char *const *lines, size_t n)
{
	assert_int_equal(pipeline_feed_rc(p, lines, n), 0);
}

static void pipeline_finish(pipeline *p)
{
	assert_int_equal(oomsift_assembler_finish(p->as), 0);
}

static void collector_free(collector *c)
{
	for (size_t i = 0; i < c->n; i++)
		oomsift_event_free(c->ev[i]);
	c->n = 0;
}

static void pipeline_free(pipeline *p)
{
	oomsift_assembler_free(p->as);
	oomsift_envelope_free(p->env);
	collector_free(&p->out);
}

#define FEED(p, arr) pipeline_feed((p), (arr), sizeof(arr) / sizeof((arr)[0]))

#endif
