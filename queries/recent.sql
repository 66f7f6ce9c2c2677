-- name: recent
-- description: the latest OOM events, newest first: time, host, kind, victim, RSS and root cause
-- param: limit int 20  events to show (-1: all)

-- The window: --since/--until on the wall time, --host as a GLOB. An event
-- without a wall time (raw dmesg of an undated boot) is in the window only
-- when the window has no bounds; such events sort last.
WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
)
SELECT id, ts, host, kind,
       -- user-space kills name a unit, pods or a container rather than a process
       coalesce(victim_comm, unit, pods, substr(container_id, 1, 12)) AS victim,
       victim_pid AS pid,
       round(victim_rss_kb / 1024.0, 1) AS rss_mib,
       cause
FROM ev
ORDER BY ts_unix IS NULL, ts_unix DESC, id DESC
LIMIT :limit
