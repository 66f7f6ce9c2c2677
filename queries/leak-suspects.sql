-- name: leak-suspects
-- description: processes whose RSS grows from one OOM report to the next on a host: points, first and last RSS, least-squares slope per day
-- param: min_points int 3  fewest reports the name must appear in

-- A point is one event's task table: the RSS of the rows of that name, summed.
-- A series is one host and name on the wall clock; events without a wall time
-- are a series of their own per capture (source file), on the kernel's uptime.
WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
),
points AS (
	SELECT e.host, t.name, e.id,
	       CASE WHEN e.ts_unix IS NOT NULL THEN 'wall' ELSE 'uptime' END AS clock,
	       CASE WHEN e.ts_unix IS NULL THEN e.source END AS capture,
	       coalesce(e.ts_unix, e.uptime_s) AS t,
	       e.ts_unix,
	       sum(t.rss_pages) * 4 AS rss_kb
	FROM ev e JOIN oom_tasks t ON t.event_id = e.id
	WHERE coalesce(e.ts_unix, e.uptime_s) IS NOT NULL AND t.rss_pages IS NOT NULL
	GROUP BY e.id, t.name
),
series AS (
	SELECT *,
	       count(*) OVER s AS n,
	       t - avg(t) OVER s AS dt,
	       rss_kb - avg(rss_kb) OVER s AS drss,
	       first_value(rss_kb) OVER (s ORDER BY t, id) AS first_kb,
	       first_value(rss_kb) OVER (s ORDER BY t DESC, id DESC) AS last_kb
	FROM points
	WINDOW s AS (PARTITION BY host, name, clock, capture)
),
fit AS (
	SELECT host, name, clock, n AS points,
	       min(ts_unix) AS first_unix, max(ts_unix) AS last_unix,
	       max(first_kb) AS first_kb, max(last_kb) AS last_kb,
	       -- least squares: sum(dt * drss) / sum(dt^2), KiB per second
	       sum(dt * drss) / nullif(sum(dt * dt), 0) AS kb_per_s
	FROM series
	GROUP BY host, name, clock, capture
	HAVING n >= :min_points
)
SELECT host, name, clock, points,
       strftime('%Y-%m-%dT%H:%M:%SZ', first_unix, 'unixepoch') AS first_ts,
       strftime('%Y-%m-%dT%H:%M:%SZ', last_unix, 'unixepoch') AS last_ts,
       round(first_kb / 1024.0, 1) AS first_rss_mib,
       round(last_kb / 1024.0, 1) AS last_rss_mib,
       round(kb_per_s * 86400 / 1024.0, 1) AS slope_mib_per_day
FROM fit
WHERE kb_per_s > 0
ORDER BY kb_per_s DESC, host, name
