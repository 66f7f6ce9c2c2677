-- name: daily
-- description: events and kills per day (UTC) and host, with what was killed; events without a wall time have no day
-- param: since time 30d  start of the window

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
)
SELECT date(ts_unix, 'unixepoch') AS day,
       host,
       count(*) AS events,
       sum(has_kill) AS kills,
       -- user-space kills name a unit, pods or a container rather than a process
       group_concat(DISTINCT victim) AS victims
FROM (SELECT *, coalesce(victim_comm, unit, pods, substr(container_id, 1, 12)) AS victim
      FROM ev WHERE ts_unix IS NOT NULL ORDER BY ts_unix, id)
GROUP BY day, host
ORDER BY day, host
