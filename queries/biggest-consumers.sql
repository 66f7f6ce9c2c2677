-- name: biggest-consumers
-- description: the largest tasks in the OOM reports' task tables, killed or not: RSS, share of the table's RSS, oom_score_adj, whether it was killed
-- param: limit int 20  tasks to show (-1: all)

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
),
tasks AS (
	SELECT e.id AS event, e.ts, e.host, t.name, t.pid, t.rss_pages, t.oom_score_adj, t.row,
	       sum(t.rss_pages) OVER (PARTITION BY e.id) AS table_pages,
	       EXISTS (SELECT 1 FROM oom_kills k
	               WHERE k.event_id = e.id AND k.pid = t.pid
	                 AND k.kind IN ('victim', 'shared_mm')) AS killed
	FROM ev e JOIN oom_tasks t ON t.event_id = e.id
	WHERE t.rss_pages IS NOT NULL
)
SELECT event, ts, host, name, pid,
       round(rss_pages * 4 / 1024.0, 1) AS rss_mib,
       round(100.0 * rss_pages / nullif(table_pages, 0), 1) AS pct_of_table,
       oom_score_adj,
       killed
FROM tasks
ORDER BY rss_pages DESC, event, row
LIMIT :limit
