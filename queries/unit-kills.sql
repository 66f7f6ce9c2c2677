-- name: unit-kills
-- description: systemd units and containers hit by OOM kills: services, scopes, docker, containerd, kubepods, lxc

WITH ev AS (
	SELECT * FROM oom_events
	WHERE host GLOB :host
	  AND CASE WHEN ts_unix IS NULL THEN coalesce(:since, :until) IS NULL
	           ELSE (:since IS NULL OR ts_unix >= :since)
	                AND (:until IS NULL OR ts_unix < :until) END
),
paths AS (
	SELECT *,
	       coalesce(task_memcg, oom_memcg) AS path,
	       -- the last component of the cgroup path
	       substr(coalesce(task_memcg, oom_memcg),
	              length(rtrim(coalesce(task_memcg, oom_memcg),
	                           replace(coalesce(task_memcg, oom_memcg), '/', ''))) + 1) AS leaf
	FROM ev
),
units AS (
	SELECT *,
	       coalesce(unit, CASE WHEN leaf GLOB '*.service' OR leaf GLOB '*.scope'
	                                OR path GLOB '*/docker/*' OR path GLOB '*kubepods*'
	                                OR path GLOB '/lxc/*' OR path GLOB '/lxc.payload.*'
	                           THEN leaf END) AS name,
	       -- a 64-hex container id: containerd's, or the scope's, or the leaf itself
	       coalesce(container_id,
	                CASE WHEN leaf GLOB '*.scope' THEN substr(leaf, length(leaf) - 69, 64)
	                     ELSE leaf END) AS cid
	FROM paths
),
typed AS (
	SELECT *,
	       CASE WHEN path GLOB '*kubepods*' THEN 'kubepods'
	            WHEN name GLOB 'docker-*.scope' OR path GLOB '*/docker/*' THEN 'docker'
	            WHEN name GLOB 'cri-containerd-*.scope' THEN 'containerd'
	            WHEN name GLOB 'crio-*.scope' THEN 'cri-o'
	            WHEN name GLOB 'libpod-*.scope' THEN 'podman'
	            WHEN name GLOB '*.service' THEN 'service'
	            WHEN name GLOB '*.scope' THEN 'scope'
	            WHEN path GLOB '/lxc/*' OR path GLOB '/lxc.payload.*' THEN 'lxc'
	            WHEN container_id IS NOT NULL THEN 'containerd'
	       END AS type,
	       CASE WHEN length(cid) = 64 AND NOT cid GLOB '*[^0-9a-f]*' THEN substr(cid, 1, 12)
	       END AS container
	FROM units
	WHERE name IS NOT NULL OR container_id IS NOT NULL
)
SELECT host,
       coalesce(name, container) AS unit,
       type,
       container,
       count(*) AS events,
       sum(has_kill) AS kills,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(ts_unix), 'unixepoch') AS last_ts,
       group_concat(DISTINCT victim_comm) AS victims
FROM (SELECT * FROM typed ORDER BY ts_unix, uptime_s, id)
GROUP BY host, coalesce(name, container), type
ORDER BY kills DESC, host, unit
