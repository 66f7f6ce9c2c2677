-- oomsift store migration 5: root causes.
--
-- The rule engine (rules/, docs/rules.md) classifies every OOM event and
-- memory event; store/classify.c keeps each matching rule as a row of
-- classification and the primary cause in event.cause / memory_event.cause.
-- classified_with is the fingerprint of the rule set a subject was last
-- evaluated with: NULL when it never was or its content changed since (a
-- fuller copy, a derived wall time, a linked notice), '-' when a newer event
-- of its host may change what its history rules see. Public: the cause
-- columns at the end of oom_events and memory_events, and the classifications
-- view (docs/schema.md).

-- The public views are dropped before the columns are added: SQLite
-- re-reads the whole schema after each ADD COLUMN, views included.
DROP VIEW oom_events;
DROP VIEW memory_events;

ALTER TABLE event ADD COLUMN cause TEXT;
ALTER TABLE event ADD COLUMN classified_with TEXT;
ALTER TABLE memory_event ADD COLUMN cause TEXT;
ALTER TABLE memory_event ADD COLUMN classified_with TEXT;
CREATE INDEX event_classified ON event(classified_with);
CREATE INDEX memory_event_classified ON memory_event(classified_with);

-- One row per rule that matched a subject. The unique key's index also
-- serves the lookups by (subject, subject_id).
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

-- Settings of the store: 'rules_fingerprint' is the rule set of the last
-- complete classification.
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT
) WITHOUT ROWID;

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
