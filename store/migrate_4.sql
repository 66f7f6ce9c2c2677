-- oomsift store migration 4: user-space OOM actors and memory events.
--
-- Adds the columns of the user-space event kinds (oomd_kill, earlyoom_kill,
-- systemd_oom, container_oom, k8s_eviction) and of the links from systemd,
-- containerd and kubelet follow-ups to kernel kills; adds the memory_event
-- table (overcommit refusals, allocation failures: not OOM kills) and its
-- public view. oom_events keeps every column in place and gains the new ones
-- at its end (docs/schema.md).

-- The public views are dropped before the columns are added: SQLite
-- re-reads the whole schema after each ADD COLUMN, views included.
DROP VIEW oom_events;

ALTER TABLE event ADD COLUMN unit TEXT;
ALTER TABLE event ADD COLUMN unit_result TEXT;
ALTER TABLE event ADD COLUMN seen_by TEXT;
ALTER TABLE event ADD COLUMN container_id TEXT;
ALTER TABLE event ADD COLUMN pods TEXT;
ALTER TABLE event ADD COLUMN kill_signal TEXT;
ALTER TABLE event ADD COLUMN victim_cmdline TEXT;
ALTER TABLE event ADD COLUMN victim_vmrss_kb INTEGER;
ALTER TABLE event ADD COLUMN mem_avail_kb INTEGER;
ALTER TABLE event ADD COLUMN mem_total_kb INTEGER;
ALTER TABLE event ADD COLUMN oomd_pressure_pct REAL;
ALTER TABLE event ADD COLUMN oomd_pressure_limit_pct REAL;
ALTER TABLE event ADD COLUMN oomd_duration_s REAL;
ALTER TABLE event ADD COLUMN oomd_mem_used_bytes INTEGER;
ALTER TABLE event ADD COLUMN oomd_mem_total_bytes INTEGER;
ALTER TABLE event ADD COLUMN oomd_swap_used_bytes INTEGER;
ALTER TABLE event ADD COLUMN oomd_swap_total_bytes INTEGER;
ALTER TABLE event ADD COLUMN oomd_swap_limit_pct REAL;
ALTER TABLE event ADD COLUMN oomd_killed_processes INTEGER;

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
);
CREATE INDEX memory_event_host_ts ON memory_event(host, ts_unix);

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
       e.oomd_swap_total_bytes, e.oomd_swap_limit_pct, e.oomd_killed_processes
FROM event e JOIN source s ON s.id = e.source_id;

CREATE VIEW memory_events AS
SELECT m.host, m.ts, m.ts_unix, m.uptime_s, m.kind, m.pid, m.comm, m.alloc_order, m.bytes,
       m.gfp_mask, s.path AS source, m.line,
       m.id, m.gfp_flags, m.message, lower(hex(m.fingerprint)) AS fingerprint, m.ingested_at,
       s.member AS source_member
FROM memory_event m JOIN source s ON s.id = m.source_id;
