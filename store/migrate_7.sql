-- oomsift store migration 7: an event's Mem-Info values in one row.
--
-- A report prints some 80 values (Mem-Info, node and zone lines, memcg
-- statistics) and some 20 task rows; stored as one row each in the table
-- bag, the values were most of the rows an ingest wrote, and SQLite's cost
-- per row dominated (docs/performance.md, "Mem-Info as one row").
--
-- meminfo_name: each (key, unit) once. An id is only a short name for the
-- pair inside meminfo.items; ids differ between stores.
-- meminfo: one row per event with values, items a JSON object of its
-- sections, each an object of name ids and values, the sections and, within
-- one, the keys in byte order of their text (as the primary key of bag had
-- them):
--   {"meminfo":{"12":5410,"40":0},"node 0":{"12":5410},"zone DMA":{"31":1}}
-- A value is null when the kernel printed none. One (section, key) has one
-- value: the first one printed (bag's INSERT OR IGNORE kept it so too).
--
-- The public view oom_meminfo keeps its columns and meaning; its rows come
-- out in (section, key) order for one event.

DROP VIEW oom_meminfo;

CREATE TABLE meminfo_name (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  unit TEXT NOT NULL,
  UNIQUE (key, unit)
);

CREATE TABLE meminfo (
  event_id INTEGER PRIMARY KEY REFERENCES event(id) ON DELETE CASCADE,
  items TEXT NOT NULL
);

INSERT INTO meminfo_name(key, unit) SELECT DISTINCT key, unit FROM bag ORDER BY key, unit;

-- bag is read in its key order (event_id, section, key): the objects are
-- built in that order without a sort.
INSERT INTO meminfo(event_id, items)
SELECT event_id, json_group_object(section, json(items))
FROM (SELECT b.event_id, b.section, json_group_object(n.id, b.value) AS items
      FROM bag b JOIN meminfo_name n ON n.key = b.key AND n.unit = b.unit
      GROUP BY b.event_id, b.section
      ORDER BY b.event_id, b.section)
GROUP BY event_id;

DROP TABLE bag;

CREATE VIEW oom_meminfo AS
SELECT m.event_id AS event_id, s.key AS section, n.key AS key, v.value AS value, n.unit AS unit
FROM meminfo m, json_each(m.items) s, json_each(s.value) v, meminfo_name n
WHERE n.id = CAST(v.key AS INTEGER);
