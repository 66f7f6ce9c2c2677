/*
 * Wu-Manber over the marker strings with blocks of two bytes: a window as
 * long as the shortest marker slides over the text; the last two bytes of the
 * window say how far it can move without passing over a marker, and only a
 * shift of 0 costs a comparison. On log text the window mostly moves by the
 * shortest marker's length less one, so the scan touches a fraction of the
 * bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/marker_scan.h"

/*
 * Every string that oom_classify_marker() (parse/oom_lines.c), the user-space
 * gate worth_parsing() (parse/userspace.c) and the envelope's boot separators
 * react to, each as a substring (or a substring of it) of the line: a line
 * that holds none of them classifies as OOM_NONE and is no user-space line.
 */
const char *const marker_scan_needles[] = {
    /* kernel markers */
    "invoked oom-killer: ",
    "ill process ", /* Killed process, kill process (select, shared mm) */
    "oom-kill:constraint=",
    "oom_reaper: ",
    "due to memory.oom.group set",
    "Out of memory and no killable",
    "Kernel panic - not syncing: ",
    "Manual OOM execution",
    "page allocation ", /* failure, stalls for */
    "vmalloc",          /* vmalloc error:, vmalloc: allocation failure */
    "enough memory for the allocation",
    "Show Memory",
    "Linux version ",
    /* user-space lines (worth_parsing) */
    "Killed ",
    "Marked ",
    "sending ",
    "Killing process",
    "mem avail:",
    "OOM killer",
    "in this unit",
    "'oom-kill'",
    "status=9/KILL",
    "viction manager: ",
    "System OOM encountered",
    "TaskOOM event ",
    /* journalctl boot separators (OOMSIFT_WRAP_MARK) */
    "-- Boot ",
    "-- Reboot",
    NULL,
};

#define NBUCKETS    65536
#define MAX_NEEDLES 64

struct marker_scan {
	size_t m;                  /* length of the shortest needle: the window */
	uint8_t shift[NBUCKETS];   /* by the window's last two bytes */
	uint8_t first[NBUCKETS];   /* 1 + first needle whose window ends so, 0 = none */
	uint8_t next[MAX_NEEDLES]; /* 1 + next needle of the same bucket, 0 = none */
	size_t len[MAX_NEEDLES];
};

static unsigned bucket(const char *p)
{
	return (unsigned)(unsigned char)p[0] << 8 | (unsigned char)p[1];
}

marker_scan *marker_scan_new(void)
{
	marker_scan *ms = calloc(1, sizeof(*ms));
	size_t n = 0;

	if (!ms)
		return NULL;
	ms->m = SIZE_MAX;
	for (n = 0; marker_scan_needles[n]; n++) {
		ms->len[n] = strlen(marker_scan_needles[n]);
		if (ms->len[n] < ms->m)
			ms->m = ms->len[n];
	}
	memset(ms->shift, (int)(ms->m - 1), sizeof(ms->shift));
	for (size_t i = 0; i < n; i++) {
		const char *p = marker_scan_needles[i];
		unsigned last = bucket(p + ms->m - 2);

		for (size_t j = 1; j < ms->m; j++) {
			unsigned b = bucket(p + j - 1);
			if (ms->shift[b] > ms->m - 1 - j)
				ms->shift[b] = (uint8_t)(ms->m - 1 - j);
		}
		ms->next[i] = ms->first[last];
		ms->first[last] = (uint8_t)(i + 1);
	}
	return ms;
}

void marker_scan_free(marker_scan *ms)
{
	free(ms);
}

const char *marker_scan_next(const marker_scan *ms, const char *s, const char *end)
{
	const char *w; /* the window's last byte */

	if ((size_t)(end - s) < ms->m)
		return NULL;
	for (w = s + ms->m - 1; w < end;) {
		unsigned b = bucket(w - 1);
		const char *start = w - (ms->m - 1);

		if (ms->shift[b]) {
			w += ms->shift[b];
			continue;
		}
		for (unsigned i = ms->first[b]; i; i = ms->next[i - 1]) {
			size_t len = ms->len[i - 1];
			if ((size_t)(end - start) >= len &&
			    memcmp(start, marker_scan_needles[i - 1], len) == 0)
				return start;
		}
		w++;
	}
	return NULL;
}
