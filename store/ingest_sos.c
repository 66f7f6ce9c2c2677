/*
 * Host facts and sosreports in the ingest loop: facts files (--facts), the
 * facts and logs of an extracted sosreport, and of an sosreport archive,
 * read in two passes: the first learns the host and the collection time
 * (which may come after the logs in the archive), the second reads.
 */
#include <stdio.h>
#include <string.h>

#include "oomsift/error.h"
#include "oomsift/facts.h"
#include "oomsift/input.h"
#include "oomsift/sosreport.h"
#include "store/ingest_internal.h"

/* What the first pass over an sosreport archive learnt. */
struct sos_archive {
	oomsift_sosreport_info info;
	int host_rank; /* of the HOSTNAME file info.host came from; -1 none */
	bool journal_warned;
};

typedef struct fact_sink {
	oomsift_ingest *in;
	oomsift_facts_origin origin;
	uint64_t read, added;
} fact_sink;

static int put_fact(void *ctx, const oomsift_fact *f)
{
	fact_sink *k = ctx;

	k->read++;
	return oomsift_store_put_facts(k->in->store, &k->origin, f, 1, &k->added);
}

static void fail_input(oomsift_ingest *in, const char *msg)
{
	ingest_report(in, "error", msg);
	in->st.failed++;
}

/* Reads the current member of r as facts, in one transaction. A member that
 * cannot be read or holds no facts is reported; only store failures return. */
static int facts_from_reader(oomsift_ingest *in, oomsift_reader *r, const oomsift_facts_origin *o)
{
	fact_sink k = {in, *o, 0, 0};
	oomsift_facts_parser *p = NULL;
	int rc;

	if ((rc = oomsift_store_begin(in->store)) < 0)
		return rc;
	if ((rc = oomsift_facts_new(&p, o->source, put_fact, &k)) == 0) {
		for (;;) {
			ptrdiff_t n = oomsift_reader_read(r, in->block, BLOCK);
			if (n <= 0) {
				rc = n < 0 ? (int)n : oomsift_facts_finish(p);
				break;
			}
			if ((rc = oomsift_facts_feed(p, in->block, (size_t)n)) < 0)
				break;
		}
		oomsift_facts_free(p);
	}
	if (rc == 0 && (rc = oomsift_store_commit(in->store)) == 0) {
		in->st.facts_files++;
		in->st.facts += k.read;
		in->st.new_facts += k.added;
		return 0;
	}
	oomsift_store_rollback(in->store);
	if (rc == OOMSIFT_EIO || rc == OOMSIFT_EINVAL || rc == OOMSIFT_ELIMIT) {
		fail_input(in, oomsift_error_message());
		return 0;
	}
	return rc;
}

/* The facts file at path; collected at *at, else at the file's mtime. */
static int facts_file(oomsift_ingest *in, const char *path, const char *host, const int64_t *at)
{
	oomsift_reader *r = NULL;
	oomsift_member m;
	int rc;

	if (oomsift_reader_open(&r, path) < 0 || (rc = oomsift_reader_next(r, &m)) < 0) {
		fail_input(in, oomsift_error_message());
		oomsift_reader_free(r);
		return 0;
	}
	if (rc == 0 || m.in_archive) {
		char msg[4200];
		snprintf(msg, sizeof(msg), "'%s' is an archive, not a facts file", path);
		fail_input(in, msg);
		oomsift_reader_free(r);
		return 0;
	}
	rc = facts_from_reader(in, r, &(oomsift_facts_origin){host, at ? *at : m.mtime, path});
	oomsift_reader_free(r);
	return rc;
}

int oomsift_ingest_facts(oomsift_ingest *in, const char *path, const char *host)
{
	int rc;

	if (!host || !*host)
		return oomsift_error_set(
		    OOMSIFT_EINVAL, "'%s': facts files do not name their host: give one", path);
	if ((rc = ingest_sync(in)) < 0)
		return rc;
	return facts_file(in, path, host, NULL);
}

/* The host facts of an sosreport file are for: as for its logs. NULL (and
 * reported) when nothing names one. */
static const char *sos_host(oomsift_ingest *in, const char *where, char *buf, size_t len)
{
	const char *host = ingest_default_host(in, where, buf, len);
	char msg[4200];

	if (host)
		return host;
	snprintf(msg, sizeof(msg),
	         "'%s': the sosreport names no host (no hostname file, not named "
	         "sosreport-HOST-...); give --host",
	         where);
	fail_input(in, msg);
	return NULL;
}

/* ---- extracted sosreports ---- */

typedef struct sos_dir {
	oomsift_ingest *in;
	const oomsift_sosreport_info *info;
	const char *host;
} sos_dir;

static int sos_dir_file(void *ctx, const char *path, oomsift_sos_kind kind, int err)
{
	sos_dir *d = ctx;

	if (err < 0) {
		fail_input(d->in, oomsift_error_message());
		return 0;
	}
	switch (kind) {
	case OOMSIFT_SOS_FACTS_SYSCTL:
	case OOMSIFT_SOS_FACTS_MEMINFO:
	case OOMSIFT_SOS_FACTS_SWAPS:
		return facts_file(d->in, path, d->host,
		                  d->info->has_collected_at ? &d->info->collected_at : NULL);
	case OOMSIFT_SOS_LOG:
	case OOMSIFT_SOS_JOURNAL:
		return ingest_file_seq(d->in, path);
	default: /* the host and date files were read before the walk */
		return 0;
	}
}

static int ingest_sos_dir(oomsift_ingest *in, const char *root)
{
	oomsift_sosreport_info info;
	char buf[OOMSIFT_SOS_MAX_HOST];
	sos_dir d = {in, &info, NULL};
	int rc;

	if ((rc = oomsift_sosreport_read_info(root, &info)) < 0)
		return rc;
	in->sos_host = info.host[0] ? info.host : NULL;
	if ((d.host = sos_host(in, root, buf, sizeof(buf)))) {
		in->st.sosreports++;
		rc = oomsift_sosreport_walk(root, sos_dir_file, &d);
	}
	in->sos_host = NULL;
	return rc;
}

/* ---- sosreport archives ---- */

/* The first pass: are these the members of an sosreport, and its host and
 * date. false when it is not one (or cannot be read: the second pass, as a
 * plain archive, reports that). */
static bool scan_sos_archive(const char *path, struct sos_archive *a)
{
	oomsift_sos_detect det;
	oomsift_reader *r = NULL;
	oomsift_member m;
	const char *data;
	size_t len;
	bool is_sos = false;

	memset(a, 0, sizeof(*a));
	a->host_rank = -1;
	oomsift_sosreport_detect_init(&det);
	if (oomsift_reader_open(&r, path) < 0)
		goto out;
	while (oomsift_reader_next(r, &m) == 1 && m.member) {
		const char *rel = oomsift_sosreport_member_rel(m.member);
		int rank = rel ? oomsift_sosreport_hostname_rank(rel) : -1;
		oomsift_sosreport_detect_member(&det, m.member);
		if (rank >= 0 && (a->host_rank < 0 || rank < a->host_rank) &&
		    oomsift_reader_head(r, &data, &len) == 0 &&
		    oomsift_sosreport_host_from_text(data, len, a->info.host,
		                                     sizeof(a->info.host)) == 0)
			a->host_rank = rank;
		else if (rel && oomsift_sosreport_classify(rel) == OOMSIFT_SOS_DATE &&
		         oomsift_reader_head(r, &data, &len) == 0)
			a->info.has_collected_at =
			    oomsift_sosreport_date_from_text(data, len, &a->info.collected_at) == 0;
	}
	is_sos = oomsift_sosreport_detect_result(&det);
	if (a->host_rank < 0)
		oomsift_sosreport_host_from_name(path, a->info.host, sizeof(a->info.host));
out:
	oomsift_reader_free(r);
	return is_sos;
}

static bool is_native_journal(const char *rel)
{
	size_t n = strlen(rel);

	return (n > 8 && strcmp(rel + n - 8, ".journal") == 0) ||
	       (n > 9 && strcmp(rel + n - 9, ".journal~") == 0);
}

int ingest_sos_member(oomsift_ingest *in, oomsift_reader *r, const oomsift_member *m)
{
	struct sos_archive *a = (struct sos_archive *)in->sos_archive;
	const char *rel = m->member ? oomsift_sosreport_member_rel(m->member) : NULL;
	oomsift_sos_kind kind = rel ? oomsift_sosreport_classify(rel) : OOMSIFT_SOS_IGNORE;
	char name[4200], buf[OOMSIFT_SOS_MAX_HOST];
	const char *host;

	switch (kind) {
	case OOMSIFT_SOS_LOG:
		return 0;
	case OOMSIFT_SOS_JOURNAL:
		if (!is_native_journal(rel))
			return 0;
		if (!a->journal_warned) {
			snprintf(name, sizeof(name),
			         "%s: native journal files inside an archive are not read "
			         "(only its journalctl outputs are)",
			         m->path);
			ingest_report(in, "warning", name);
			a->journal_warned = true;
		}
		return 1;
	case OOMSIFT_SOS_FACTS_SYSCTL:
	case OOMSIFT_SOS_FACTS_MEMINFO:
	case OOMSIFT_SOS_FACTS_SWAPS:
		snprintf(name, sizeof(name), "%s:%s", m->path, m->member);
		if (!(host = ingest_default_host(in, name, buf, sizeof(buf))))
			return 1; /* reported once, before the pass */
		return facts_from_reader(
		    in, r,
		    &(oomsift_facts_origin){
		        host, a->info.has_collected_at ? a->info.collected_at : m->mtime, name});
	default:
		return 1;
	}
}

/* A file named like an sosreport archive: sosreport-….tar…, ….tgz. */
static bool sos_archive_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return strncmp(base, "sosreport-", 10) == 0 &&
	       (strstr(base, ".tar") || strstr(base, ".tgz"));
}

static int ingest_sos_archive(oomsift_ingest *in, const char *path)
{
	struct sos_archive a;
	char buf[OOMSIFT_SOS_MAX_HOST];
	int rc = 0;

	if (!scan_sos_archive(path, &a))
		return oomsift_ingest_file(in, path);
	if ((rc = ingest_sync(in)) < 0)
		return rc;
	in->sos_host = a.info.host[0] ? a.info.host : NULL;
	if (sos_host(in, path, buf, sizeof(buf))) {
		in->st.sosreports++;
		in->sos_archive = &a;
		rc = ingest_file_seq(in, path);
		in->sos_archive = NULL;
	}
	in->sos_host = NULL;
	return rc;
}

/* ---- paths ---- */

/* Reports a failed input after what the workers read before it (the
 * message is the one in the error slot). */
static int fail_walk(oomsift_ingest *in)
{
	char msg[4200];
	int rc;

	snprintf(msg, sizeof(msg), "%s", oomsift_error_message());
	if ((rc = ingest_sync(in)) < 0)
		return rc;
	fail_input(in, msg);
	return 0;
}

/* sosreports are read in this thread, after the files queued before them. */
static int path_dir(void *ctx, const char *path)
{
	oomsift_ingest *in = ctx;
	bool is_sos;
	int rc = oomsift_sosreport_probe(path, &is_sos);

	if (rc < 0)
		return (rc = fail_walk(in)) < 0 ? rc : 1;
	if (!is_sos)
		return 0;
	if ((rc = ingest_sync(in)) < 0)
		return rc;
	rc = ingest_sos_dir(in, path);
	return rc < 0 ? rc : 1;
}

static int path_file(void *ctx, const char *path, int err)
{
	oomsift_ingest *in = ctx;

	if (err < 0)
		return fail_walk(in);
	if (sos_archive_name(path))
		return ingest_sos_archive(in, path);
	return oomsift_ingest_file(in, path);
}

int oomsift_ingest_path(oomsift_ingest *in, const char *path)
{
	return oomsift_input_walk_dirs(path, path_file, path_dir, in);
}
