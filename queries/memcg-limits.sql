-- name: memcg-limits
-- description: each memory cgroup that hit its limit: the last limit, limits seen, kills, peak usage, first and last

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
),
m AS (
	SELECT *,
	       -- a limit of 2^52 KiB or more is the kernel's "no limit"
	       CASE WHEN memcg_limit_kb < 4503599627370496 THEN memcg_limit_kb END AS limit_kb,
	       row_number() OVER (PARTITION BY host, oom_memcg
	                          ORDER BY ts_unix DESC, uptime_s DESC, id DESC) AS newest
	FROM ev
	WHERE kind = 'memcg_oom' AND oom_memcg IS NOT NULL
)
SELECT host,
       oom_memcg AS cgroup,
       count(*) AS events,
       sum(has_kill) AS kills,
       round(max(CASE WHEN newest = 1 THEN limit_kb END) / 1024.0, 1) AS limit_mib,
       count(DISTINCT limit_kb) AS limits,
       round(max(memcg_usage_kb) / 1024.0, 1) AS peak_usage_mib,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(ts_unix), 'unixepoch') AS first_seen,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(ts_unix), 'unixepoch') AS last_seen
FROM m
GROUP BY host, oom_memcg
ORDER BY kills DESC, host, cgroup
