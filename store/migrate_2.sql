-- oomsift store, schema version 1 -> 2: sources known by their content and
-- resumed at a cursor; events known across wrappers by their key lines; boots;
-- how each event's time was obtained.
--
-- Runs with foreign key enforcement off (store.c), as SQLite's procedure for
-- rebuilding a table requires.

DROP VIEW oom_events;
DROP VIEW oom_sources;

-- A source is a stream of log content (a file, an archive member, stdin),
-- known by the fingerprint of its first bytes, wherever it was read from.
CREATE TABLE source_v2 (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL,                 -- where it was read last ("-" for stdin)
  member TEXT,                        -- path inside an archive, or NULL
  wrapper TEXT,                       -- the format it was read as
  head_len INTEGER NOT NULL DEFAULT 0, -- bytes fingerprinted: min(content, 4096)
  head_fp BLOB,                       -- XXH3-128 of those (decompressed) bytes
  head_prefix BLOB,                   -- the first 32 of those bytes, to find a grown head
  cursor INTEGER NOT NULL DEFAULT 0,  -- resume here: after the last line with no report open
  cursor_line INTEGER NOT NULL DEFAULT 0,
  cursor_fp INTEGER NOT NULL DEFAULT 0, -- XXH3-64 of the 256 bytes before cursor
  size INTEGER NOT NULL DEFAULT 0,    -- content bytes read so far
  mtime INTEGER,                      -- of the file it was read from last
  first_ingested TEXT NOT NULL,
  last_ingested TEXT NOT NULL,
  lines INTEGER NOT NULL DEFAULT 0,   -- read by the last ingest
  bytes INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0
);
INSERT INTO source_v2(id, path, first_ingested, last_ingested, lines, bytes, events)
  SELECT id, path, first_ingested, last_ingested, lines, bytes, events FROM source;
DROP TABLE source;
ALTER TABLE source_v2 RENAME TO source;
CREATE INDEX source_head ON source(head_len, head_fp);
CREATE INDEX source_prefix ON source(head_prefix);

-- Each file on disk a source was read from, with its size and mtime then:
-- an unchanged file that was read to its end is skipped without reading.
CREATE TABLE source_file (
  dev INTEGER NOT NULL,
  ino INTEGER NOT NULL,
  member TEXT NOT NULL DEFAULT '',
  source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  PRIMARY KEY (dev, ino, member)
) WITHOUT ROWID;

ALTER TABLE event ADD COLUMN ts_quality TEXT NOT NULL DEFAULT 'unknown';
UPDATE event SET ts_quality = 'exact' WHERE ts_unix IS NOT NULL;
ALTER TABLE event ADD COLUMN boot_time REAL;
ALTER TABLE event ADD COLUMN truncated INTEGER NOT NULL DEFAULT 0;

-- The lines that identify an event in every wrapper (kind 0: the line that
-- opened the report, kind 1: the victim's kill line), with their times.
CREATE TABLE event_key (
  key INTEGER NOT NULL,
  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  kind INTEGER NOT NULL,
  uptime_s REAL,
  ts_unix REAL,
  PRIMARY KEY (key, event_id)
) WITHOUT ROWID;
CREATE INDEX event_key_event ON event_key(event_id);

-- Boots of each host, dated by records that carry both clocks.
CREATE TABLE boot (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  boot_id TEXT,
  boot_time REAL NOT NULL
);
CREATE INDEX boot_host ON boot(host, boot_time);

-- ---- public views (docs/schema.md) ----

CREATE VIEW oom_events AS
SELECT e.id, e.host, e.ts, e.ts_unix, e.uptime_s, e.boot_id, e.kind, e.kernel,
       e.trigger_comm, e.trigger_pid, e.gfp_mask, e.gfp_flags, e.alloc_order,
       e.oom_constraint, e.oom_memcg, e.task_memcg,
       e.victim_pid, e.victim_comm, e.victim_uid, e.victim_total_vm_kb, e.victim_anon_rss_kb,
       e.victim_file_rss_kb, e.victim_shmem_rss_kb, e.victim_pgtables_kb,
       e.victim_oom_score_adj,
       e.memcg_usage_kb, e.memcg_limit_kb, e.memcg_failcnt,
       e.memcg_swap_usage_kb, e.memcg_swap_limit_kb,
       e.swap_free_kb, e.swap_total_kb, e.ram_pages, e.task_rows, e.complete,
       s.path AS source, e.line,
       -- extensions beyond the first contract
       e.trigger_uid, e.trigger_oom_score_adj, e.trigger_oom_adj, e.nodemask, e.cpu,
       e.tainted, e.hardware, e.cpuset, e.mems_allowed, e.workqueue,
       CASE WHEN e.victim_anon_rss_kb IS NULL THEN NULL
            ELSE e.victim_anon_rss_kb + ifnull(e.victim_file_rss_kb, 0)
                 + ifnull(e.victim_shmem_rss_kb, 0) END AS victim_rss_kb,
       e.kill_reason, e.kill_score, e.kills,
       e.memcg_swap_failcnt, e.memcg_memsw_usage_kb, e.memcg_memsw_limit_kb,
       e.memcg_memsw_failcnt, e.memcg_kmem_usage_kb, e.memcg_kmem_limit_kb,
       e.memcg_kmem_failcnt, e.reserved_pages,
       e.manual, e.no_killable, e.panic, e.has_header, e.has_kill,
       lower(hex(e.fingerprint)) AS fingerprint,
       (SELECT count(*) FROM event_source es WHERE es.event_id = e.id) AS sightings,
       e.ingested_at,
       -- schema version 2
       e.ts_quality, e.boot_time, e.truncated, s.member AS source_member
FROM event e JOIN source s ON s.id = e.source_id;

CREATE VIEW oom_sources AS
SELECT es.event_id, s.path, es.line, s.last_ingested
FROM event_source es JOIN source s ON s.id = es.source_id;

CREATE VIEW event_sources AS
SELECT es.event_id, es.source_id, s.path, s.member, es.line, s.wrapper, s.first_ingested,
       s.last_ingested
FROM event_source es JOIN source s ON s.id = es.source_id;
