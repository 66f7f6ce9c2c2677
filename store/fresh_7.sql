-- The schema of store/schema.sql and store/migrate_2.sql ... migrate_7.sql
-- (user_version 7), as SQLite keeps it. Made by scripts/fresh-schema.sh:
-- do not edit. A new store runs this instead of the seven steps.
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
, ts_quality TEXT NOT NULL DEFAULT 'unknown', boot_time REAL, truncated INTEGER NOT NULL DEFAULT 0, unit TEXT, unit_result TEXT, seen_by TEXT, container_id TEXT, pods TEXT, kill_signal TEXT, victim_cmdline TEXT, victim_vmrss_kb INTEGER, mem_avail_kb INTEGER, mem_total_kb INTEGER, oomd_pressure_pct REAL, oomd_pressure_limit_pct REAL, oomd_duration_s REAL, oomd_mem_used_bytes INTEGER, oomd_mem_total_bytes INTEGER, oomd_swap_used_bytes INTEGER, oomd_swap_total_bytes INTEGER, oomd_swap_limit_pct REAL, oomd_killed_processes INTEGER, cause TEXT, classified_with TEXT);
CREATE INDEX event_host_ts ON event(host, ts_unix);
CREATE INDEX event_ts ON event(ts_unix);
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
CREATE TABLE raw (
  event_id INTEGER PRIMARY KEY REFERENCES event(id) ON DELETE CASCADE,
  text TEXT NOT NULL
);
CREATE VIEW oom_tasks AS
SELECT event_id, row, pid, uid, tgid, total_vm_pages, rss_pages, rss_anon_pages,
       rss_file_pages, rss_shmem_pages, pgtables_bytes, nr_ptes, nr_pmds, nr_puds, swapents,
       cpu, oom_adj, oom_score_adj, name
FROM task;
CREATE VIEW oom_kills AS
SELECT event_id, seq, kind, pid, comm, uid, total_vm_kb, anon_rss_kb, file_rss_kb,
       shmem_rss_kb, pgtables_kb, oom_score_adj, reason, oom_group
FROM kill;
CREATE TABLE "source" (
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
CREATE INDEX source_head ON source(head_len, head_fp);
CREATE INDEX source_prefix ON source(head_prefix);
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
CREATE TABLE event_key (
  key INTEGER NOT NULL,
  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,
  kind INTEGER NOT NULL,
  uptime_s REAL,
  ts_unix REAL,
  PRIMARY KEY (key, event_id)
) WITHOUT ROWID;
CREATE INDEX event_key_event ON event_key(event_id);
CREATE TABLE boot (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  boot_id TEXT,
  boot_time REAL NOT NULL
);
CREATE INDEX boot_host ON boot(host, boot_time);
CREATE VIEW oom_sources AS
SELECT es.event_id, s.path, es.line, s.last_ingested
FROM event_source es JOIN source s ON s.id = es.source_id;
CREATE VIEW event_sources AS
SELECT es.event_id, es.source_id, s.path, s.member, es.line, s.wrapper, s.first_ingested,
       s.last_ingested
FROM event_source es JOIN source s ON s.id = es.source_id;
CREATE TABLE host_fact (
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  key TEXT NOT NULL,                  -- vm.overcommit_memory, MemTotal, swap:/dev/dm-1:size …
  value INTEGER,                      -- NULL when the fact is text only
  unit TEXT,                          -- kB, count, percent, bool, mode, 1/10000 or NULL
  text TEXT,                          -- NULL when the fact is a number only
  collected_at TEXT NOT NULL,         -- ISO 8601 UTC: when the host was looked at
  source TEXT NOT NULL,               -- the facts file
  ingested_at TEXT NOT NULL,          -- ISO 8601 UTC
  UNIQUE (host, key, collected_at)
);
CREATE VIEW host_facts AS
SELECT host, key, value, unit, text, collected_at, source
FROM host_fact;
CREATE VIEW host_facts_latest AS
SELECT f.host, f.key, f.value, f.unit, f.text, f.collected_at, f.source
FROM host_fact f
WHERE f.collected_at = (SELECT max(g.collected_at) FROM host_fact g
                        WHERE g.host = f.host AND g.key = f.key);
CREATE VIEW host_swaps AS
SELECT s.host, s.collected_at,
       substr(s.key, 6, length(s.key) - 10) AS device,
       (SELECT t.text FROM host_fact t WHERE t.host = s.host
          AND t.collected_at = s.collected_at
          AND t.key = substr(s.key, 1, length(s.key) - 4) || 'type') AS type,
       s.value AS size_kb,
       (SELECT u.value FROM host_fact u WHERE u.host = s.host
          AND u.collected_at = s.collected_at
          AND u.key = substr(s.key, 1, length(s.key) - 4) || 'used') AS used_kb,
       (SELECT p.value FROM host_fact p WHERE p.host = s.host
          AND p.collected_at = s.collected_at
          AND p.key = substr(s.key, 1, length(s.key) - 4) || 'priority') AS priority,
       s.source
FROM host_fact s
WHERE s.key LIKE 'swap:%:size';
CREATE TABLE memory_event (
  id INTEGER PRIMARY KEY,
  fingerprint BLOB NOT NULL UNIQUE,   -- 128-bit XXH3 of host, kind, time and message
  host TEXT NOT NULL,
  ts TEXT, ts_unix REAL, uptime_s REAL,
  kind TEXT NOT NULL,
  pid INTEGER, comm TEXT, alloc_order INTEGER, bytes INTEGER,
  gfp_mask TEXT, gfp_flags TEXT,
  message TEXT NOT NULL,
  source_id INTEGER NOT NULL REFERENCES source(id),
  line INTEGER NOT NULL,
  ingested_at TEXT NOT NULL
, cause TEXT, classified_with TEXT);
CREATE INDEX memory_event_host_ts ON memory_event(host, ts_unix);
CREATE INDEX event_classified ON event(classified_with);
CREATE INDEX memory_event_classified ON memory_event(classified_with);
CREATE TABLE classification (
  id INTEGER PRIMARY KEY,
  subject TEXT NOT NULL CHECK (subject IN ('event', 'memory_event')),
  subject_id INTEGER NOT NULL,        -- event.id or memory_event.id
  rule_id TEXT NOT NULL,
  cause TEXT NOT NULL,
  severity TEXT NOT NULL,             -- info, low, medium, high, critical
  priority INTEGER NOT NULL,
  is_primary INTEGER NOT NULL,        -- 1 for the subject's primary cause
  evidence TEXT,                      -- the rule's evidence template, filled in
  advice TEXT,
  rules_fingerprint TEXT NOT NULL,    -- of the rule set that produced the row
  classified_at TEXT NOT NULL,        -- ISO 8601 UTC: when the row got its content
  UNIQUE (subject, subject_id, rule_id)
);
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT
) WITHOUT ROWID;
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
       -- a user-space actor prints one resident size (earlyoom VmRSS)
       CASE WHEN e.victim_anon_rss_kb IS NULL THEN e.victim_vmrss_kb
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
       e.ts_quality, e.boot_time, e.truncated, s.member AS source_member,
       -- schema version 4: user-space actors and follow-ups
       e.unit, e.unit_result, e.seen_by, e.container_id, e.pods, e.kill_signal,
       e.victim_cmdline, e.victim_vmrss_kb, e.mem_avail_kb, e.mem_total_kb,
       e.oomd_pressure_pct, e.oomd_pressure_limit_pct, e.oomd_duration_s,
       e.oomd_mem_used_bytes, e.oomd_mem_total_bytes, e.oomd_swap_used_bytes,
       e.oomd_swap_total_bytes, e.oomd_swap_limit_pct, e.oomd_killed_processes,
       -- schema version 5: the primary root cause
       e.cause
FROM event e JOIN source s ON s.id = e.source_id;
CREATE VIEW memory_events AS
SELECT m.host, m.ts, m.ts_unix, m.uptime_s, m.kind, m.pid, m.comm, m.alloc_order, m.bytes,
       m.gfp_mask, s.path AS source, m.line,
       m.id, m.gfp_flags, m.message, lower(hex(m.fingerprint)) AS fingerprint, m.ingested_at,
       s.member AS source_member,
       -- schema version 5
       m.cause
FROM memory_event m JOIN source s ON s.id = m.source_id;
CREATE VIEW classifications AS
SELECT c.subject, c.subject_id,
       CASE WHEN c.subject = 'event' THEN c.subject_id END AS event_id,
       CASE WHEN c.subject = 'memory_event' THEN c.subject_id END AS memory_event_id,
       c.rule_id, c.cause, c.severity, c.is_primary, c.evidence, c.advice, c.classified_at,
       c.priority
FROM classification c;
CREATE INDEX event_classified_host_ts ON event(host, ts_unix)
  WHERE classified_with != '-';
CREATE INDEX memory_event_classified_host_ts ON memory_event(host, ts_unix)
  WHERE classified_with != '-';
CREATE INDEX event_host_victim_ts ON event(host, victim_comm, ts_unix);
CREATE INDEX event_host_memcg_ts ON event(host, oom_memcg, ts_unix);
CREATE TABLE meminfo_name (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  unit TEXT NOT NULL,
  UNIQUE (key, unit)
);
CREATE TABLE meminfo (
  event_id INTEGER PRIMARY KEY REFERENCES event(id) ON DELETE CASCADE,
  items TEXT NOT NULL
);
CREATE VIEW oom_meminfo AS
SELECT m.event_id AS event_id, s.key AS section, n.key AS key, v.value AS value, n.unit AS unit
FROM meminfo m, json_each(m.items) s, json_each(s.value) v, meminfo_name n
WHERE n.id = CAST(v.key AS INTEGER);
