-- name: by-host
-- description: events per host: kills, memcg and host-wide OOMs, user-space kills, first and last, top victim and cause

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
),
victims AS (
	SELECT host, victim_comm AS victim,
	       row_number() OVER (PARTITION BY host ORDER BY count(*) DESC, victim_comm) AS rank
	FROM ev WHERE victim_comm IS NOT NULL GROUP BY host, victim_comm
),
causes AS (
	SELECT host, cause,
	       row_number() OVER (PARTITION BY host ORDER BY count(*) DESC, cause) AS rank
	FROM ev WHERE cause IS NOT NULL GROUP BY host, cause
)
SELECT e.host,
       count(*) AS events,
       sum(e.has_kill) AS kills,
       sum(e.kind = 'memcg_oom') AS memcg_oom,
       sum(e.kind = 'kernel_oom') AS kernel_oom,
       sum(e.kind NOT IN ('memcg_oom', 'kernel_oom')) AS userspace,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(e.ts_unix), 'unixepoch') AS first_ts,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(e.ts_unix), 'unixepoch') AS last_ts,
       v.victim AS top_victim,
       c.cause AS top_cause
FROM ev e
LEFT JOIN victims v ON v.host = e.host AND v.rank = 1
LEFT JOIN causes c ON c.host = e.host AND c.rank = 1
GROUP BY e.host
ORDER BY events DESC, e.host
