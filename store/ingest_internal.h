/*
 * What the files of the ingest loop share (store/ingest.c: logs,
 * store/ingest_sos.c: host facts and sosreports). Not installed.
 */
#ifndef OOMSIFT_STORE_INGEST_INTERNAL_H
#define OOMSIFT_STORE_INGEST_INTERNAL_H

#include <stddef.h>

#include "oomsift/ingest.h"
#include "oomsift/reader.h"
#include "oomsift/sniff.h"
#include "parse/re.h"

#define BLOCK (256u << 10)
/* Capture groups read from a --host-from match. */
#define HOST_FROM_GROUPS 16

struct oomsift_ingest {
	oomsift_store *store;
	oomsift_ingest_opts o;
	oomsift_re host_from;
	int host_group; /* capture group number of `host`, 0 = no --host-from */
	oomsift_ingest_stats st;
	oomsift_sniff_result forced; /* --format, or AUTO */
	char *block;
	int64_t source_id; /* of the source being read */
	/* While an sosreport is read: its host name (NULL otherwise), and for an
	 * sosreport archive, what its members are (ingest_sos_member()). */
	const char *sos_host;
	const struct sos_archive *sos_archive;
};

/* Hands a message to the caller's report callback. */
void ingest_report(oomsift_ingest *in, const char *severity, const char *msg);
void ingest_progress(oomsift_ingest *in, const char *path);

/* Host for records without one: --host, else --host-from on `name`, else
 * the sosreport's host, else NULL (the parser takes the file name). The
 * result may be written to buf. */
const char *ingest_default_host(oomsift_ingest *in, const char *name, char *buf, size_t len);

/* What to do with a member of the sosreport archive being read: 0 = read it
 * as a log, 1 = it was read here (facts) or is of no interest, < 0 = the
 * store failed. */
int ingest_sos_member(oomsift_ingest *in, oomsift_reader *r, const oomsift_member *m);

#endif
