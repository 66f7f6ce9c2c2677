-- name: hosts-without-swap
-- description: hosts whose OOMs ran without swap: a report's Total swap 0 kB, or facts SwapTotal 0 / no swap device

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
),
facts AS (
	SELECT host,
	       max(CASE WHEN key = 'SwapTotal' THEN value END) AS swap_total_kb,
	       max(CASE WHEN key = 'swap_devices' THEN value END) AS swap_devices
	FROM host_facts_latest
	WHERE host GLOB :host AND key IN ('SwapTotal', 'swap_devices')
	GROUP BY host
)
SELECT e.host,
       count(*) AS events,
       sum(e.has_kill) AS kills,
       -- reports that printed their swap (host-wide reports, earlyoom): with none, with some
       sum(e.swap_total_kb = 0) AS reports_no_swap,
       sum(e.swap_total_kb > 0) AS reports_swap,
       f.swap_total_kb AS fact_swap_total_kb,
       f.swap_devices AS fact_swap_devices,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(e.ts_unix), 'unixepoch') AS last_ts
FROM ev e
LEFT JOIN facts f ON f.host = e.host
GROUP BY e.host
HAVING sum(e.swap_total_kb = 0) > 0 OR f.swap_total_kb = 0 OR f.swap_devices = 0
ORDER BY kills DESC, e.host
