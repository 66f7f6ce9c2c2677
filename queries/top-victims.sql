-- name: top-victims
-- description: the process names killed most, with the RSS they held when killed (total and largest) and on how many hosts
-- param: limit int 20  names to show (-1: all)

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
)
SELECT victim_comm AS victim,
       count(*) AS kills,
       count(DISTINCT host) AS hosts,
       round(sum(victim_rss_kb) / 1024.0, 1) AS total_rss_mib,
       round(max(victim_rss_kb) / 1024.0, 1) AS max_rss_mib,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(ts_unix), 'unixepoch') AS last_ts
FROM ev
WHERE has_kill = 1 AND victim_comm IS NOT NULL
GROUP BY victim_comm
ORDER BY kills DESC, sum(victim_rss_kb) DESC, victim
LIMIT :limit
