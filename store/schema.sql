-- oomsift store, schema version 1.
--
-- The tables here are internal and may change between versions; the views
-- oom_events, oom_tasks, oom_kills and oom_meminfo at the end are the public
-- contract (docs/schema.md): columns are added, never renamed or removed.

CREATE TABLE source (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,          -- as given on the command line
  first_ingested TEXT NOT NULL,       -- ISO 8601 UTC
  last_ingested TEXT NOT NULL,
  lines INTEGER NOT NULL DEFAULT 0,   -- of the last ingest
  bytes INTEGER NOT NULL DEFAULT 0,
  events INTEGER NOT NULL DEFAULT 0   -- events read (new or already stored)
);

CREATE TABLE event (
  id INTEGER PRIMARY KEY,
  fingerprint BLOB NOT NULL UNIQUE,   -- 128-bit XXH3 of host, time and the report's OOM lines
  host TEXT NOT NULL,
  ts TEXT, ts_unix REAL, uptime_s REAL, boot_id TEXT,
  kind TEXT NOT NULL,
  kernel TEXT, trigger_comm TEXT, trigger_pid INTEGER, trigger_uid INTEGER,
  trigger_oom_score_adj INTEGER, trigger_oom_adj INTEGER,
  gfp_mask TEXT, gfp_flags TEXT, alloc_order INTEGER, nodemask TEXT, cpu INTEGER,
  tainted TEXT, hardware TEXT, cpuset TEXT, mems_allowed TEXT, workqueue TEXT,
  oom_constraint TEXT, oom_memcg TEXT, task_memcg TEXT,
  victim_pid INTEGER, victim_comm TEXT, victim_uid INTEGER, victim_total_vm_kb INTEGER,
  victim_anon_rss_kb INTEGER, victim_file_rss_kb INTEGER, victim_shmem_rss_kb INTEGER,
  victim_pgtables_kb INTEGER, victim_oom_score_adj INTEGER,
  kill_reason TEXT, kill_score INTEGER, kills INTEGER NOT NULL,
  memcg_usage_kb INTEGER, memcg_limit_kb INTEGER, memcg_failcnt INTEGER,
  memcg_swap_usage_kb INTEGER, memcg_swap_limit_kb INTEGER, memcg_swap_failcnt INTEGER,
  memcg_memsw_usage_kb INTEGER, memcg_memsw_limit_kb INTEGER, memcg_memsw_failcnt INTEGER,
  memcg_kmem_usage_kb INTEGER, memcg_kmem_limit_kb INTEGER, memcg_kmem_failcnt INTEGER,
  swap_free_kb INTEGER, swap_total_kb INTEGER, ram_pages INTEGER, reserved_pages INTEGER,
  task_rows INTEGER,
  manual INTEGER NOT NULL, no_killable INTEGER NOT NULL, panic TEXT,
  has_header INTEGER NOT NULL, has_kill INTEGER NOT NULL, complete INTEGER NOT NULL,
  source_id INTEGER NOT NULL REFERENCES source(id),
  line INTEGER NOT NULL,
  ingested_at TEXT NOT NULL
);
CREATE INDEX event_host_ts ON event(host, ts_unix);
CREATE INDEX event_ts ON event(ts_unix);

-- Every file an event was read from (the same kill in kern.log and syslog).
CREATE TABLE event_source (
  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  source_id INTEGER NOT NULL REFERENCES source(id),
  line INTEGER NOT NULL,
  PRIMARY KEY (event_id, source_id, line)
) WITHOUT ROWID;

CREATE TABLE task (
  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  row INTEGER NOT NULL,
  pid INTEGER, uid INTEGER, tgid INTEGER, total_vm_pages INTEGER, rss_pages INTEGER,
  rss_anon_pages INTEGER, rss_file_pages INTEGER, rss_shmem_pages INTEGER,
  pgtables_bytes INTEGER, nr_ptes INTEGER, nr_pmds INTEGER, nr_puds INTEGER,
  swapents INTEGER, cpu INTEGER, oom_adj INTEGER, oom_score_adj INTEGER,
  name TEXT,
  PRIMARY KEY (event_id, row)
) WITHOUT ROWID;

CREATE TABLE kill (
  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  pid INTEGER, comm TEXT, uid INTEGER, total_vm_kb INTEGER, anon_rss_kb INTEGER,
  file_rss_kb INTEGER, shmem_rss_kb INTEGER, pgtables_kb INTEGER, oom_score_adj INTEGER,
  reason TEXT, oom_group INTEGER NOT NULL,
  PRIMARY KEY (event_id, seq)
) WITHOUT ROWID;

CREATE TABLE bag (
  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  section TEXT NOT NULL,
  key TEXT NOT NULL,
  value INTEGER,
  unit TEXT NOT NULL,
  PRIMARY KEY (event_id, section, key)
) WITHOUT ROWID;

CREATE TABLE raw (
  event_id INTEGER PRIMARY KEY REFERENCES event(id) ON DELETE CASCADE,
  text TEXT NOT NULL
);

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
       e.ingested_at
FROM event e JOIN source s ON s.id = e.source_id;

CREATE VIEW oom_tasks AS
SELECT event_id, row, pid, uid, tgid, total_vm_pages, rss_pages, rss_anon_pages,
       rss_file_pages, rss_shmem_pages, pgtables_bytes, nr_ptes, nr_pmds, nr_puds, swapents,
       cpu, oom_adj, oom_score_adj, name
FROM task;

CREATE VIEW oom_kills AS
SELECT event_id, seq, kind, pid, comm, uid, total_vm_kb, anon_rss_kb, file_rss_kb,
       shmem_rss_kb, pgtables_kb, oom_score_adj, reason, oom_group
FROM kill;

CREATE VIEW oom_meminfo AS
SELECT event_id, section, key, value, unit FROM bag;

CREATE VIEW oom_sources AS
SELECT es.event_id, s.path, es.line, s.last_ingested
FROM event_source es JOIN source s ON s.id = es.source_id;
