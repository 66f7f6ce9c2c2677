-- oomsift store migration 3: host facts (sysctl, /proc/meminfo, /proc/swaps).
--
-- What the OOM report does not print but the classifier needs: overcommit
-- mode and CommitLimit, panic_on_oom, swap devices (kernel-formats.md §4).
-- One row per fact and collection: a host collected again adds a new row set,
-- the same collection read again adds nothing. host_fact is internal; the
-- views host_facts, host_facts_latest and host_swaps are the public contract
-- (docs/schema.md).

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

-- The newest value of every key of every host.
CREATE VIEW host_facts_latest AS
SELECT f.host, f.key, f.value, f.unit, f.text, f.collected_at, f.source
FROM host_fact f
WHERE f.collected_at = (SELECT max(g.collected_at) FROM host_fact g
                        WHERE g.host = f.host AND g.key = f.key);

-- One row per swap device and collection, from the swap:NAME:ATTR facts.
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
