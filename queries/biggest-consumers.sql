-- name: biggest-consumers
-- description: the largest tasks in the reports' task tables, killed or not: RSS, share of the table, oom_score_adj
-- param: limit int 20  tasks to show (-1: all)

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
),
top AS (
	SELECT e.id AS event, e.ts, e.host, t.name, t.pid, t.rss_pages, t.oom_score_adj, t.row
	FROM ev e JOIN oom_tasks t ON t.event_id = e.id
	WHERE t.rss_pages IS NOT NULL
	ORDER BY t.rss_pages DESC, e.id, t.row
	LIMIT :limit
)
SELECT event, ts, host, name, pid,
       round(rss_pages * 4 / 1024.0, 1) AS rss_mib,
       round(100.0 * rss_pages
             / nullif((SELECT sum(a.rss_pages) FROM oom_tasks a WHERE a.event_id = top.event), 0),
             1) AS pct_of_table,
       oom_score_adj,
       EXISTS (SELECT 1 FROM oom_kills k
               WHERE k.event_id = top.event AND k.pid = top.pid
                 AND k.kind IN ('victim', 'shared_mm')) AS killed
FROM top
ORDER BY rss_pages DESC, event, row
