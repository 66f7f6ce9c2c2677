-- name: leak-suspects
-- description: processes whose RSS grows from one OOM report to the next: points, first and last RSS, slope per day
-- param: min_points int 3  fewest reports the name must appear in
-- param: min_growth_mib real 1  least growth over the series (the fitted slope times its span)

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
stats AS (
	SELECT host, name, clock, capture, count(*) AS n, avg(t) AS t_mean, avg(rss_kb) AS rss_mean,
	       min(t) AS t_first, max(t) AS t_last
	FROM points
	GROUP BY host, name, clock, capture
	HAVING count(*) >= :min_points
),
fit AS (
	SELECT s.host, s.name, s.clock, s.n AS points, s.t_last - s.t_first AS span,
	       min(p.ts_unix) AS first_unix, max(p.ts_unix) AS last_unix,
	       -- the RSS of the first and last report (the larger of two at one time)
	       max(CASE WHEN p.t = s.t_first THEN p.rss_kb END) AS first_kb,
	       max(CASE WHEN p.t = s.t_last THEN p.rss_kb END) AS last_kb,
	       -- least squares: sum((t - mean t) (rss - mean rss)) / sum((t - mean t)^2), KiB per second
	       sum((p.t - s.t_mean) * (p.rss_kb - s.rss_mean))
	           / nullif(sum((p.t - s.t_mean) * (p.t - s.t_mean)), 0) AS kb_per_s
	FROM stats s
	JOIN points p ON p.host = s.host AND p.name = s.name AND p.clock = s.clock
	             AND p.capture IS s.capture
	GROUP BY s.host, s.name, s.clock, s.capture
)
SELECT host, name, clock, points,
       strftime('%Y-%m-%dT%H:%M:%SZ', first_unix, 'unixepoch') AS first_ts,
       strftime('%Y-%m-%dT%H:%M:%SZ', last_unix, 'unixepoch') AS last_ts,
       round(first_kb / 1024.0, 1) AS first_rss_mib,
       round(last_kb / 1024.0, 1) AS last_rss_mib,
       round(kb_per_s * 86400 / 1024.0, 1) AS slope_mib_per_day
FROM fit
-- noise is not a leak: 1.6 to 1.8 MiB in six seconds fits a steep slope
WHERE kb_per_s > 0 AND kb_per_s * span >= :min_growth_mib * 1024
ORDER BY kb_per_s DESC, host, name
