-- name: repeat-offenders
-- description: a process name killed again and again on one host: at least min_kills kills in the window
-- param: since time 30d  start of the window
-- param: min_kills int 2  fewest kills of one name on one host to list

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
)
SELECT host,
       victim_comm AS victim,
       count(*) AS kills,
       strftime('%Y-%m-%dT%H:%M:%SZ', min(ts_unix), 'unixepoch') AS first_ts,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(ts_unix), 'unixepoch') AS last_ts,
       round(sum(victim_rss_kb) / 1024.0, 1) AS total_rss_mib,
       round(max(victim_rss_kb) / 1024.0, 1) AS max_rss_mib,
       group_concat(DISTINCT cause) AS causes
FROM (SELECT * FROM ev WHERE has_kill = 1 AND victim_comm IS NOT NULL
      ORDER BY ts_unix, uptime_s, id)
GROUP BY host, victim_comm
HAVING count(*) >= :min_kills
ORDER BY kills DESC, host, victim
