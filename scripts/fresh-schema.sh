#!/bin/sh
# Writes store/fresh_7.sql: the schema that store/schema.sql and
# store/migrate_2.sql ... migrate_7.sql leave, as the CREATE statements SQLite
# keeps for it (sqlite_master, in the order the objects were made). A new store
# runs it instead of the seven steps (store/store.c), whose ALTER TABLEs made
# SQLite read the whole schema again each time (docs/performance.md, "Dense
# ingest: the writer, second round"). Migrations 1-7 do not change any more, so
# neither does this file; tests/unit/test_store.c checks that both ways give
# the same schema. Needs the sqlite3 shell. Run from the source tree's root.
set -eu
out=store/fresh_7.sql
db=$(mktemp -d)/fresh.db
trap 'rm -rf "$(dirname "$db")"' EXIT
for f in schema migrate_2 migrate_3 migrate_4 migrate_5 migrate_6 migrate_7; do
	sqlite3 "$db" <"store/$f.sql"
done
{
	echo "-- The schema of store/schema.sql and store/migrate_2.sql ... migrate_7.sql"
	echo "-- (user_version 7), as SQLite keeps it. Made by scripts/fresh-schema.sh:"
	echo "-- do not edit. A new store runs this instead of the seven steps."
	sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"
} >"$out"
