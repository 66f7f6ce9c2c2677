-- name: by-cause
-- description: events per root cause (the primary rule's; '(none)' when none matched): kills, hosts, share, rules

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
),
named AS (SELECT *, coalesce(cause, '(none)') AS label FROM ev),
victims AS (
	SELECT label, victim_comm AS victim,
	       row_number() OVER (PARTITION BY label ORDER BY count(*) DESC, victim_comm) AS rank
	FROM named WHERE victim_comm IS NOT NULL GROUP BY label, victim_comm
),
rules AS (
	SELECT label, group_concat(rule_id, ',') AS rules
	FROM (SELECT DISTINCT n.label, c.rule_id
	      FROM named n JOIN classifications c ON c.event_id = n.id AND c.is_primary = 1
	      ORDER BY n.label, c.rule_id)
	GROUP BY label
)
SELECT n.label AS cause,
       count(*) AS events,
       sum(n.has_kill) AS kills,
       count(DISTINCT n.host) AS hosts,
       round(100.0 * count(*) / (SELECT count(*) FROM ev), 1) AS pct,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(n.ts_unix), 'unixepoch') AS last_ts,
       v.victim AS top_victim,
       r.rules
FROM named n
LEFT JOIN victims v ON v.label = n.label AND v.rank = 1
LEFT JOIN rules r ON r.label = n.label
GROUP BY n.label
ORDER BY events DESC, cause
