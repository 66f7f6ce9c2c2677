/*
 * Sources: streams of log content known by their first bytes, so that a file
 * read again, grown, renamed by logrotate or compressed into kern.log.2.gz is
 * recognised and read on from where it was left — and a file replaced under
 * the same name is read from its start.
 */
#include <stdio.h>
#include <string.h>
#include <xxhash.h>

#include "oomsift/error.h"
#include "store/internal.h"

#define HEAD_PREFIX 32

static const char sql_file_find[] =
    "SELECT f.source_id, f.size, f.mtime, f.complete, s.head_len, s.head_fp, s.cursor, "
    "s.cursor_line, s.cursor_fp, s.head_prefix FROM source_file f JOIN source s ON s.id = "
    "f.source_id "
    "WHERE f.dev = ?1 AND f.ino = ?2 AND f.member = ?3";
static const char sql_head_find[] =
    "SELECT id, cursor, cursor_line, cursor_fp FROM source WHERE head_len = ?1 AND head_fp = ?2 "
    "ORDER BY id LIMIT 1";
/* A source read while shorter than OOMSIFT_SOURCE_HEAD: its head is a prefix. */
static const char sql_prefix_find[] =
    "SELECT id, head_len, head_fp, cursor, cursor_line, cursor_fp FROM source "
    "WHERE head_prefix = ?1 AND head_len < ?2 ORDER BY head_len DESC LIMIT 16";
static const char sql_source_new[] =
    "INSERT INTO source(path, member, wrapper, head_len, head_fp, head_prefix, mtime, "
    "first_ingested, last_ingested) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)";
static const char sql_source_seen[] =
    "UPDATE source SET path = ?2, member = ?3, wrapper = coalesce(?4, wrapper), mtime = ?5, "
    "last_ingested = ?6 WHERE id = ?1";
static const char sql_file_put[] =
    "INSERT INTO source_file(dev, ino, member, source_id, path, size, mtime, complete) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(dev, ino, member) DO UPDATE SET "
    "source_id = ?4, path = ?5, size = ?6, mtime = ?7, complete = ?8";
static const char sql_source_end[] =
    "UPDATE source SET cursor = ?2, cursor_line = ?3, cursor_fp = ?4, size = max(size, ?5), "
    "lines = ?6, bytes = ?7, events = ?8 WHERE id = ?1";
static const char sql_source_head[] =
    "UPDATE source SET head_len = ?2, head_fp = ?3, head_prefix = ?4 "
    "WHERE id = ?1 AND head_len < ?2";

static void head_fp(const void *head, size_t len, unsigned char out[16])
{
	XXH128_canonicalFromHash((XXH128_canonical_t *)out, XXH3_128bits(head, len));
}

static void read_pos(sqlite3_stmt *st, int first, oomsift_source_pos *pos)
{
	pos->cursor = (uint64_t)sqlite3_column_int64(st, first);
	pos->cursor_line = (uint64_t)sqlite3_column_int64(st, first + 1);
	pos->cursor_fp = (uint64_t)sqlite3_column_int64(st, first + 2);
}

static bool blob_equals(sqlite3_stmt *st, int col, const unsigned char *fp, size_t len)
{
	return (size_t)sqlite3_column_bytes(st, col) == len &&
	       memcmp(sqlite3_column_blob(st, col), fp, len) == 0;
}

/* Whether the file's head starts with the source's first HEAD_PREFIX bytes
 * (column col; all of them, or as many as the file has). */
static bool starts_with_prefix(sqlite3_stmt *st, int col, const oomsift_source_info *info)
{
	size_t n = info->head_len < HEAD_PREFIX ? info->head_len : HEAD_PREFIX;

	return (size_t)sqlite3_column_bytes(st, col) >= n &&
	       memcmp(sqlite3_column_blob(st, col), info->head, n) == 0;
}

/* The same file as before (device, inode, member) whose head has not changed. */
static int find_by_file(oomsift_store *s, const oomsift_source_info *info, oomsift_source_pos *pos)
{
	sqlite3_stmt *st = store_stmt(s, sql_file_find);
	unsigned char fp[16];
	size_t head_len;
	bool unchanged;

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, (int64_t)info->dev);
	sqlite3_bind_int64(st, 2, (int64_t)info->ino);
	sqlite3_bind_text(st, 3, info->member ? info->member : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		return 0;
	unchanged = sqlite3_column_int(st, 3) && info->file_size >= 0 &&
	            sqlite3_column_int64(st, 1) == info->file_size &&
	            sqlite3_column_int64(st, 2) == info->mtime;
	head_len = (size_t)sqlite3_column_int64(st, 4);
	if (head_len > info->head_len) {
		/*
		 * The source's head is longer than this file's. Either the file
		 * was truncated, or it is as it was read and another file that
		 * starts with all of it (a copy that went on) grew the head.
		 */
		if (!unchanged || !starts_with_prefix(st, 9, info))
			return 0;
	} else {
		head_fp(info->head, head_len, fp);
		if (!blob_equals(st, 5, fp, sizeof(fp)))
			return 0; /* replaced in place */
	}
	pos->id = sqlite3_column_int64(st, 0);
	pos->known = true;
	pos->unchanged = unchanged;
	read_pos(st, 6, pos);
	return 0;
}

/* Another file with the same content: a rotated, compressed or copied log. */
static int find_by_head(oomsift_store *s, const oomsift_source_info *info, oomsift_source_pos *pos)
{
	sqlite3_stmt *st = store_stmt(s, sql_head_find);
	unsigned char fp[16];

	if (!st)
		return OOMSIFT_ESTORE;
	head_fp(info->head, info->head_len, fp);
	sqlite3_bind_int64(st, 1, (int64_t)info->head_len);
	sqlite3_bind_blob(st, 2, fp, sizeof(fp), SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		pos->id = sqlite3_column_int64(st, 0);
		pos->known = true;
		read_pos(st, 1, pos);
		return 0;
	}
	if (info->head_len < HEAD_PREFIX || !(st = store_stmt(s, sql_prefix_find)))
		return st ? 0 : OOMSIFT_ESTORE;
	sqlite3_bind_blob(st, 1, info->head, HEAD_PREFIX, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (int64_t)info->head_len);
	while (sqlite3_step(st) == SQLITE_ROW) {
		head_fp(info->head, (size_t)sqlite3_column_int64(st, 1), fp);
		if (blob_equals(st, 2, fp, sizeof(fp))) {
			pos->id = sqlite3_column_int64(st, 0);
			pos->known = true;
			read_pos(st, 3, pos);
			break;
		}
	}
	return 0;
}

static void bind_head(sqlite3_stmt *st, int first, const oomsift_source_info *info,
                      unsigned char fp[16])
{
	head_fp(info->head, info->head_len, fp);
	sqlite3_bind_int64(st, first, (int64_t)info->head_len);
	sqlite3_bind_blob(st, first + 1, fp, 16, SQLITE_STATIC);
	if (info->head_len >= HEAD_PREFIX)
		sqlite3_bind_blob(st, first + 2, info->head, HEAD_PREFIX, SQLITE_STATIC);
}

static int new_source(oomsift_store *s, const oomsift_source_info *info, oomsift_source_pos *pos)
{
	sqlite3_stmt *st = store_stmt(s, sql_source_new);
	unsigned char fp[16];
	char now[32];
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	store_now_iso(now, sizeof(now));
	store_bind_text(st, 1, info->path);
	store_bind_text(st, 2, info->member);
	store_bind_text(st, 3, info->wrapper);
	bind_head(st, 4, info, fp);
	sqlite3_bind_int64(st, 7, info->mtime);
	sqlite3_bind_text(st, 8, now, -1, SQLITE_STATIC);
	if ((rc = store_step(s, st, "cannot record a source")) < 0)
		return rc;
	pos->id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

static int touch_source(oomsift_store *s, const oomsift_source_info *info, int64_t id)
{
	sqlite3_stmt *st = store_stmt(s, sql_source_seen);
	char now[32];

	if (!st)
		return OOMSIFT_ESTORE;
	store_now_iso(now, sizeof(now));
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, info->path);
	store_bind_text(st, 3, info->member);
	store_bind_text(st, 4, info->wrapper);
	sqlite3_bind_int64(st, 5, info->mtime);
	sqlite3_bind_text(st, 6, now, -1, SQLITE_STATIC);
	return store_step(s, st, "cannot record a source");
}

static int put_file(oomsift_store *s, const oomsift_source_info *info, int64_t id, bool complete)
{
	sqlite3_stmt *st;

	if (!info->dev && !info->ino)
		return 0; /* stdin: no file to find it by */
	if (!(st = store_stmt(s, sql_file_put)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, (int64_t)info->dev);
	sqlite3_bind_int64(st, 2, (int64_t)info->ino);
	sqlite3_bind_text(st, 3, info->member ? info->member : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	store_bind_text(st, 5, info->path);
	sqlite3_bind_int64(st, 6, info->file_size);
	sqlite3_bind_int64(st, 7, info->mtime);
	sqlite3_bind_int(st, 8, complete);
	return store_step(s, st, "cannot record a source file");
}

int oomsift_store_source_begin(oomsift_store *s, const oomsift_source_info *info,
                               oomsift_source_pos *pos)
{
	int rc;

	memset(pos, 0, sizeof(*pos));
	if ((info->dev || info->ino) && (rc = find_by_file(s, info, pos)) < 0)
		return rc;
	if (!pos->known && info->head_len && (rc = find_by_head(s, info, pos)) < 0)
		return rc;
	if (pos->known && info->size >= 0 && (uint64_t)info->size < pos->cursor) {
		/* Shorter than where we stopped: truncated and written anew. */
		pos->cursor = pos->cursor_line = pos->cursor_fp = 0;
	}
	if (!pos->known)
		rc = new_source(s, info, pos);
	else
		rc = touch_source(s, info, pos->id);
	if (rc < 0 || pos->unchanged)
		return rc;
	return put_file(s, info, pos->id, false);
}

int oomsift_store_source_end(oomsift_store *s, const oomsift_source_info *info, int64_t id,
                             const oomsift_source_end *end)
{
	sqlite3_stmt *st = store_stmt(s, sql_source_end);
	unsigned char fp[16];
	int rc;

	if (!st)
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, (int64_t)end->cursor);
	sqlite3_bind_int64(st, 3, (int64_t)end->cursor_line);
	sqlite3_bind_int64(st, 4, (int64_t)end->cursor_fp);
	sqlite3_bind_int64(st, 5, (int64_t)end->size);
	sqlite3_bind_int64(st, 6, (int64_t)end->lines);
	sqlite3_bind_int64(st, 7, (int64_t)end->bytes);
	sqlite3_bind_int64(st, 8, (int64_t)end->events);
	if ((rc = store_step(s, st, "cannot record how far a source was read")) < 0)
		return rc;
	/* A head read while the file was short grows with it. */
	if (!(st = store_stmt(s, sql_source_head)))
		return OOMSIFT_ESTORE;
	sqlite3_bind_int64(st, 1, id);
	bind_head(st, 2, info, fp);
	if ((rc = store_step(s, st, "cannot record a source")) < 0)
		return rc;
	return put_file(s, info, id, end->complete);
}
