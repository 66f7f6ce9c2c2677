-- oomsift store migration 6: indexes for classification at fleet scale.
--
-- Indexes only: no table, column or view changes (docs/schema.md lists them).
--
-- event_classified_host_ts, memory_event_classified_host_ts: the subjects
-- already evaluated (classified_with neither NULL nor '-') by host and time.
-- A classification run marks those among them that a new subject's history
-- may change (store/classify.c); on a store where nothing is classified yet
-- the join finds nothing at once, instead of pairing every new subject with
-- every subject of its host in the 30 days after it.

CREATE INDEX event_classified_host_ts ON event(host, ts_unix)
  WHERE classified_with != '-';
CREATE INDEX memory_event_classified_host_ts ON memory_event(host, ts_unix)
  WHERE classified_with != '-';

-- event_host_victim_ts, event_host_memcg_ts: the events of one host and one
-- victim name or one memory cgroup, by time. They serve the history and
-- trend conditions of the built-in rules (worker_storm: the kills of the
-- same victim_comm; leak_trend_cgroup: the usage of the same oom_memcg),
-- which read such a series once per host and name in a classification run.

CREATE INDEX event_host_victim_ts ON event(host, victim_comm, ts_unix);
CREATE INDEX event_host_memcg_ts ON event(host, oom_memcg, ts_unix);
