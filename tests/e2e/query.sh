#!/bin/sh
# End-to-end tests of `oomsift query`: every named query on stores made from
# the fixtures (the corpus, the lab's leak read from its serial console, the
# example fleet, the user-space logs, host facts), --list, params and their
# errors, --since/--until (absolute and relative), the markdown format, tables
# wrapped to a terminal's width, and the authorizer that keeps SQL read-only.
# Usage: query.sh OOMSIFT_BINARY SOURCE_DIR
set -u
bin=$1
src=$2
. "$(dirname "$0")/lib.sh"

# csv DB ARGS...: the query's CSV output without carriage returns
csv() {
	d=$1
	shift
	"$bin" query --db "$d" -f csv "$@" | tr -d '\r'
}
# expect_csv WHAT DB ARGS... <<EOF: the CSV output, exactly
expect_csv() {
	what=$1
	shift
	csv "$@" >"$tmp/got" 2>"$tmp/err"
	cat >"$tmp/want"
	if cmp -s "$tmp/got" "$tmp/want"; then ok; else
		fail "$what: $(diff "$tmp/want" "$tmp/got" | head -c 800) $(head -c 300 "$tmp/err")"
	fi
}

fleet=$tmp/fleet.db
"$bin" ingest -q --db "$fleet" --host-from 'fleet/(?<host>[^/]+)/' --year 2026 "$src/examples/fleet"
lab=$tmp/lab.db
for dir in "$data"/lab/*/leak; do
	"$bin" ingest -q --db "$lab" --host "$(jq -r .host "$dir/truth.json")" "$dir/console.txt.xz"
done
corpus=$tmp/corpus.db
"$bin" ingest -q --db "$corpus" "$data/corpus"
# the corpus's RHEL 7 report (8 GiB swap) on a host whose facts say it has none
# now, and its Ubuntu report (no swap) on a host that has a swap file now
"$bin" ingest -q --db "$corpus" --host web9 --facts "$data/facts/debian12.meminfo" \
	--facts "$data/facts/debian12.swaps" - <"$data/corpus/rhel7_3.10.log"
"$bin" ingest -q --db "$corpus" --host db9 --facts "$data/facts/debian12-swapfile.meminfo" \
	--facts "$data/facts/debian12-swapfile.swaps" - <"$data/corpus/ubuntu2110_5.13.log"
us=$tmp/us.db
"$bin" ingest -q --db "$us" --year 2024 "$data"/userspace/*.log "$data/kernels/synthetic_4.19_memcg_oomgroup.log"

# ---- --list ----
expect_code "--list" 0 "$bin" query --list
for name in recent by-host by-cause top-victims repeat-offenders memcg-limits leak-suspects \
	hosts-without-swap biggest-consumers unit-kills daily; do
	expect_grep "--list names $name" "^$name " "$tmp/out"
done
expect_grep "--list shows a since default" "^daily  *since=30d  *events and kills per day" "$tmp/out"
expect_grep "--list shows params" "^repeat-offenders  *since=30d min_kills=2 " "$tmp/out"
expect_eq "--list -f json" "$("$bin" query --list -f json | jq -r 'map(.name) | join(" ")')" \
	"biggest-consumers by-cause by-host daily hosts-without-swap leak-suspects memcg-limits recent repeat-offenders top-victims unit-kills"
expect_code "--list NAME" 0 "$bin" query --list leak-suspects
expect_eq "--list NAME prints the file" "$(head -n 3 "$tmp/out")" \
	"-- queries/leak-suspects.sql (every query also reads :since, :until and :host; defaults: since all, until all, host *)
-- name: leak-suspects
-- description: processes whose RSS grows from one OOM report to the next: points, first and last RSS, slope per day"
expect_grep "--list NAME prints the SQL" "GROUP BY host, name, clock, capture" "$tmp/out"
expect_code "--list unknown" 2 "$bin" query --list nope
expect_grep "--list unknown message" "no named query 'nope'" "$tmp/err"
expect_code "no query" 2 "$bin" query --db "$fleet"
expect_code "misspelt name" 2 "$bin" query --db "$fleet" recnt
expect_grep "misspelt name message" "no named query 'recnt' (see 'oomsift query --list')" "$tmp/err"

# ---- each named query on the example fleet ----
expect_csv "recent" "$fleet" recent <<'EOF'
id,ts,host,kind,victim,pid,rss_mib,cause
7,2026-11-12T21:48:06Z,web01,kernel_oom,doxygen,473206,9017.9,single_hog
5,2026-11-11T09:54:17Z,pve01,memcg_oom,php-fpm,4013377,12481.8,memcg_limit
4,2026-11-11T03:54:03Z,pve01,memcg_oom,php-fpm,3902942,12481.8,memcg_limit
2,2026-11-11T02:41:09Z,db01,kernel_oom,mysqld,14388,20145.5,single_hog
6,2026-11-09T14:37:12Z,web01,kernel_oom,unattended-upgr,651,20.4,manual
3,2026-11-09T03:12:44Z,db01,kernel_oom,mysqld,6576,20145.5,single_hog
1,,build01,kernel_oom,cc1plus,473206,9017.9,single_hog
EOF
expect_csv "recent limit" "$fleet" recent --param limit=2 --host 'p*' <<'EOF'
id,ts,host,kind,victim,pid,rss_mib,cause
5,2026-11-11T09:54:17Z,pve01,memcg_oom,php-fpm,4013377,12481.8,memcg_limit
4,2026-11-11T03:54:03Z,pve01,memcg_oom,php-fpm,3902942,12481.8,memcg_limit
EOF
expect_csv "by-host" "$fleet" by-host <<'EOF'
host,events,kills,memcg_oom,kernel_oom,userspace,first_ts,last_ts,top_victim,top_cause
db01,2,2,0,2,0,2026-11-09T03:12:44Z,2026-11-11T02:41:09Z,mysqld,single_hog
pve01,2,2,2,0,0,2026-11-11T03:54:03Z,2026-11-11T09:54:17Z,php-fpm,memcg_limit
web01,2,2,0,2,0,2026-11-09T14:37:12Z,2026-11-12T21:48:06Z,doxygen,manual
build01,1,1,0,1,0,,,cc1plus,single_hog
EOF
expect_csv "by-cause" "$fleet" by-cause <<'EOF'
cause,events,kills,hosts,pct,last_ts,top_victim,rules
single_hog,4,4,3,57.1,2026-11-12T21:48:06Z,mysqld,single_hog
memcg_limit,2,2,1,28.6,2026-11-11T09:54:17Z,php-fpm,memcg_limit
manual,1,1,1,14.3,2026-11-09T14:37:12Z,unattended-upgr,manual
EOF
expect_csv "top-victims" "$fleet" top-victims <<'EOF'
victim,kills,hosts,total_rss_mib,max_rss_mib,last_ts
mysqld,2,1,40291,20145.5,2026-11-11T02:41:09Z
php-fpm,2,1,24963.6,12481.8,2026-11-11T09:54:17Z
cc1plus,1,1,9017.9,9017.9,
doxygen,1,1,9017.9,9017.9,2026-11-12T21:48:06Z
unattended-upgr,1,1,20.4,20.4,2026-11-09T14:37:12Z
EOF
expect_csv "repeat-offenders" "$fleet" repeat-offenders --since 2026-11-01 <<'EOF'
host,victim,kills,first_ts,last_ts,total_rss_mib,max_rss_mib,causes
db01,mysqld,2,2026-11-09T03:12:44Z,2026-11-11T02:41:09Z,40291,20145.5,single_hog
pve01,php-fpm,2,2026-11-11T03:54:03Z,2026-11-11T09:54:17Z,24963.6,12481.8,memcg_limit
EOF
expect_csv "repeat-offenders min_kills" "$fleet" repeat-offenders --since 2026-11-01 --param min_kills=3 <<'EOF'
host,victim,kills,first_ts,last_ts,total_rss_mib,max_rss_mib,causes
EOF
expect_csv "memcg-limits" "$fleet" memcg-limits <<'EOF'
host,cgroup,events,kills,limit_mib,limits,peak_usage_mib,first_seen,last_seen
pve01,/lxc/39004,2,2,30480,1,30480,2026-11-11T03:54:03Z,2026-11-11T09:54:17Z
EOF
# the fleet's reports repeat the same task tables: nothing grows
expect_csv "leak-suspects (fleet)" "$fleet" leak-suspects --param min_points=2 <<'EOF'
host,name,clock,points,first_ts,last_ts,first_rss_mib,last_rss_mib,slope_mib_per_day
EOF
expect_csv "hosts-without-swap (fleet)" "$fleet" hosts-without-swap <<'EOF'
host,events,kills,reports_no_swap,reports_swap,fact_swap_total_kb,fact_swap_devices,last_ts
web01,2,2,1,1,,,2026-11-12T21:48:06Z
EOF
expect_csv "biggest-consumers" "$fleet" biggest-consumers -p limit=4 <<'EOF'
event,ts,host,name,pid,rss_mib,pct_of_table,oom_score_adj,killed
2,2026-11-11T02:41:09Z,db01,mysqld,14388,20144.8,65.1,0,1
3,2026-11-09T03:12:44Z,db01,mysqld,6576,20144.8,65.1,0,1
4,2026-11-11T03:54:03Z,pve01,php-fpm,3902942,12481.8,37.9,0,1
5,2026-11-11T09:54:17Z,pve01,php-fpm,4013377,12481.8,37.9,0,1
EOF
# the largest task of web01's manual OOM was not its victim
expect_csv "biggest-consumers: not killed" "$fleet" biggest-consumers --host web01 --since 2026-11-09 --until 2026-11-10 -p limit=2 <<'EOF'
event,ts,host,name,pid,rss_mib,pct_of_table,oom_score_adj,killed
6,2026-11-09T14:37:12Z,web01,snapd,611,32.2,15.7,-900,0
6,2026-11-09T14:37:12Z,web01,unattended-upgr,651,20.4,10,0,1
EOF
expect_csv "unit-kills (fleet)" "$fleet" unit-kills <<'EOF'
host,unit,type,container,events,kills,last_ts,victims
pve01,docker-a59e4e7d3090c04c6ce5a4b7a8bc85228eb9b96ac00b1284643a8c7c11dda661.scope,docker,a59e4e7d3090,2,2,2026-11-11T09:54:17Z,php-fpm
build01,session-2.scope,scope,,1,1,,cc1plus
web01,session-2.scope,scope,,1,1,2026-11-12T21:48:06Z,doxygen
web01,unattended-upgrades.service,service,,1,1,2026-11-09T14:37:12Z,unattended-upgr
EOF
expect_csv "daily" "$fleet" daily --since 2026-11-01 <<'EOF'
day,host,events,kills,victims
2026-11-09,db01,1,1,mysqld
2026-11-09,web01,1,1,unattended-upgr
2026-11-11,db01,1,1,mysqld
2026-11-11,pve01,2,2,php-fpm
2026-11-12,web01,1,1,doxygen
EOF

# ---- the lab's leak (uptimes only: a series on the kernel's clock) ----
expect_csv "leak-suspects (lab)" "$lab" leak-suspects <<'EOF'
host,name,clock,points,first_ts,last_ts,first_rss_mib,last_rss_mib,slope_mib_per_day
lab-6-1-0,leakyd,uptime,4,,,40.3,88.2,440927
lab-6-12-117+deb12,leakyd,uptime,4,,,40.4,88.4,433642.7
EOF
expect_csv "leak-suspects min_points" "$lab" leak-suspects --param min_points=5 <<'EOF'
host,name,clock,points,first_ts,last_ts,first_rss_mib,last_rss_mib,slope_mib_per_day
EOF
expect_csv "memcg-limits (lab)" "$lab" memcg-limits <<'EOF'
host,cgroup,events,kills,limit_mib,limits,peak_usage_mib,first_seen,last_seen
lab-6-1-0,/leaky.service,4,4,88,4,88,,
lab-6-12-117+deb12,/leaky.service,4,4,88,4,88,,
EOF
expect_csv "repeat-offenders (lab, no bound)" "$lab" repeat-offenders --since all <<'EOF'
host,victim,kills,first_ts,last_ts,total_rss_mib,max_rss_mib,causes
lab-6-1-0,leakyd,4,,,257,88.2,"memcg_limit,leak_trend"
lab-6-12-117+deb12,leakyd,4,,,257.5,88.4,"memcg_limit,leak_trend"
EOF
# events without a wall time are outside any window with a bound
expect_csv "undated events and a bound" "$lab" recent --since 2000-01-01 <<'EOF'
id,ts,host,kind,victim,pid,rss_mib,cause
EOF

# ---- host facts and the corpus ----
expect_csv "hosts-without-swap" "$corpus" hosts-without-swap <<'EOF'
host,events,kills,reports_no_swap,reports_swap,fact_swap_total_kb,fact_swap_devices,last_ts
db9,1,1,1,0,16380,1,
ubuntu2110_5.13,1,1,1,0,,,
web9,1,1,0,1,0,0,
EOF

# ---- user-space kills: units, containers, pods ----
expect_csv "unit-kills (user space)" "$us" unit-kills <<'EOF'
host,unit,type,container,events,kills,last_ts,victims
app01,mysql.service,service,,1,1,2024-11-20T10:11:12Z,mysqld
app01,php8.2-fpm.service,service,,1,1,2024-11-20T10:11:12Z,php-fpm8.2
app01,redis-server.service,service,,1,1,2024-11-20T10:20:01Z,redis-server
build7,build.service,service,,1,1,2024-11-20T10:11:12Z,
db01,mysqld.service,service,,1,1,2024-11-20T10:11:12Z,mysqld
laptop,app-gnome-firefox-4321.scope,scope,,1,1,2024-11-20T10:11:12Z,
laptop,build.service,service,,1,1,2024-11-20T11:30:02Z,
laptop,vte-spawn-8c1d2e3f-0a1b-4c5d-9e8f-1a2b3c4d5e6f.scope,scope,,1,1,2024-11-20T10:14:40Z,
node01,cri-containerd-25a38b5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f.scope,kubepods,25a38b5b4c3d,1,1,2024-11-20T10:11:12Z,stress
oldws,vte-spawn-1c2b3d4e-5f60-4718-9a0b-c1d2e3f4a5b6.scope,scope,,1,1,2024-11-21T16:40:09Z,
synthetic_4.19_memcg_oomgroup,8c1f9e2d7a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5,kubepods,8c1f9e2d7a3b,1,1,,gunicorn: worke
web03,app-gnome-code-5521.scope,scope,,1,1,2024-11-20T09:40:00Z,
web03,backup.service,service,,1,1,2024-11-20T10:05:00Z,
web03,nginx.service,service,,1,1,2024-11-20T09:00:01Z,
web03,user@1000.service,service,,1,1,2024-11-20T09:40:00Z,
node02,9f8e7d6c5b4a,containerd,9f8e7d6c5b4a,1,0,2024-11-20T10:40:00Z,
EOF
expect_csv "by-cause (user space)" "$us" by-cause <<'EOF'
cause,events,kills,hosts,pct,last_ts,top_victim,rules
oomd_pressure,10,9,7,47.6,2024-11-21T16:40:09Z,Web Content,"earlyoom,k8s_eviction,oomd_pressure,oomd_swap"
memcg_limit,6,6,4,28.6,2024-11-20T10:20:01Z,mysqld,"memcg_limit_kubernetes,memcg_limit_systemd"
(none),5,4,2,23.8,2024-11-20T10:40:00Z,,
EOF
expect_csv "daily (user space)" "$us" daily --since 2024-11-20 --until 2024-11-21 --host 'node*' <<'EOF'
day,host,events,kills,victims
2024-11-20,node01,2,2,"stress,default/web-7d9f8b-abcde"
2024-11-20,node02,1,0,9f8e7d6c5b4a
EOF

# ---- --since and --until ----
expect_csv "--since/--until absolute" "$fleet" recent --since 2026-11-09T12:00 --until '2026-11-11 03:00:00' <<'EOF'
id,ts,host,kind,victim,pid,rss_mib,cause
2,2026-11-11T02:41:09Z,db01,kernel_oom,mysqld,14388,20145.5,single_hog
6,2026-11-09T14:37:12Z,web01,kernel_oom,unattended-upgr,651,20.4,manual
EOF
# --since includes its time, --until excludes it: db01's first kill is at 1794193964
expect_csv "--since @epoch, RFC 3339 --until" "$fleet" daily --since @1794193964 --until 2026-11-09T04:12:45+01:00 <<'EOF'
day,host,events,kills,victims
2026-11-09,db01,1,1,mysqld
EOF
expect_csv "--until excludes its time" "$fleet" daily --since 2026-11-01 --until 2026-11-09T04:12:44+01:00 <<'EOF'
day,host,events,kills,victims
EOF
# relative: N days before now, N counted so that the cut falls on 2026-11-11
# between 12:00 and the next noon: only web01's kill of the 12th is after it
now=$(date +%s)
n=$(((now - $(date -u -d 2026-11-11T12:00:00Z +%s)) / 86400))
expect_eq "--since Nd" "$(csv "$fleet" recent --since "${n}d" | cut -d, -f1 | tr '\n' ' ')" "id 7 "
expect_eq "--since 'N days ago'" "$(csv "$fleet" recent --since "$n days ago" | cut -d, -f1 | tr '\n' ' ')" "id 7 "
expect_eq "--until Nd" "$(csv "$fleet" recent --until "${n}d" | cut -d, -f1 | tr '\n' ' ')" "id 5 4 2 6 3 "
# the default window of repeat-offenders is 30 days before now: db01's
# mysqld counts while its first kill (1794193964) is in it, pve01's php-fpm
# while its first (1794369243) is
since=$((now - 30 * 86400))
want=$((1 + (since <= 1794193964) + (since <= 1794369243)))
expect_eq "repeat-offenders: default 30d" "$(csv "$fleet" repeat-offenders | wc -l)" "$want"
expect_eq "ad-hoc SQL reads :since" \
	"$(csv "$fleet" --since 2026-11-11 'SELECT count(*) AS n FROM oom_events WHERE ts_unix >= :since' | tail -n 1)" 4
expect_eq "ad-hoc SQL reads :host" \
	"$(csv "$fleet" --host 'w*' 'SELECT group_concat(DISTINCT host) AS h FROM oom_events WHERE host GLOB :host' | tail -n 1)" web01

# ---- params and their errors: exit 2, before the store is opened ----
expect_code "unknown param" 2 "$bin" query --db "$fleet" recent --param nope=1
expect_grep "unknown param message" "query 'recent' has no param 'nope' (its params: since, until, host, limit)" "$tmp/err"
expect_code "bad int" 2 "$bin" query --db "$fleet" recent --param limit=ten
expect_grep "bad int message" "param 'limit' needs an integer, not 'ten'" "$tmp/err"
expect_code "bad time" 2 "$bin" query --db "$fleet" recent --since 'next tuesday'
expect_grep "bad time message" "param 'since': .*next tuesday" "$tmp/err"
expect_code "bad --until" 2 "$bin" query --db "$fleet" daily --until 2026-13-01
expect_code "param given twice" 2 "$bin" query --db "$fleet" recent -p limit=1 -p limit=2
expect_grep "param given twice message" "param 'limit' is given twice" "$tmp/err"
expect_code "--since and --param since" 2 "$bin" query --db "$fleet" recent --since 7d -p since=1d
expect_code "--param without =" 2 "$bin" query --db "$fleet" recent --param limit
expect_grep "--param without = message" "--param needs NAME=VALUE, not 'limit'" "$tmp/err"
expect_code "--param on ad-hoc SQL" 2 "$bin" query --db "$fleet" --param limit=1 'SELECT 1'
expect_grep "--param on ad-hoc SQL message" "ad-hoc SQL has no param 'limit'" "$tmp/err"
expect_code "bad param before a missing store" 2 "$bin" query --db "$tmp/none.db" recent -p limit=x
expect_code "ad-hoc SQL ignoring --since" 3 "$bin" query --db "$fleet" --since 7d 'SELECT 1'
expect_grep "ad-hoc SQL ignoring --since message" "param 'since' is given, but the SQL never reads it" "$tmp/err"
expect_code "ad-hoc SQL with an unknown :name" 3 "$bin" query --db "$fleet" 'SELECT :nope'
expect_grep "unknown :name message" "the SQL reads :nope, which is not a param (params: :since, :until, :host)" "$tmp/err"

# ---- markdown ----
"$bin" query --db "$fleet" -f markdown memcg-limits >"$tmp/got"
cat >"$tmp/want" <<'EOF'
| host | cgroup | events | kills | limit_mib | limits | peak_usage_mib | first_seen | last_seen |
|---|---|---:|---:|---:|---:|---:|---|---|
| pve01 | /lxc/39004 | 2 | 2 | 30480 | 1 | 30480 | 2026-11-11T03:54:03Z | 2026-11-11T09:54:17Z |
EOF
if cmp -s "$tmp/got" "$tmp/want"; then ok; else fail "markdown: $(diff "$tmp/want" "$tmp/got")"; fi
"$bin" query --db "$fleet" -f markdown \
	"SELECT 'a|b' AS \"x|y\", 'one' || char(10) || 'two' AS lines, 'c:\\d' AS path, NULL AS n, 1.5 AS r" >"$tmp/got"
cat >"$tmp/want" <<'EOF'
| x\|y | lines | path | n | r |
|---|---|---|---|---:|
| a\|b | one<br>two | c:\\d |  | 1.5 |
EOF
if cmp -s "$tmp/got" "$tmp/want"; then ok; else fail "markdown escapes: $(diff "$tmp/want" "$tmp/got")"; fi
expect_code "markdown: two statements" 0 "$bin" query --db "$fleet" -f markdown 'SELECT 1 AS a; SELECT 2 AS b'
expect_eq "markdown: a table per statement" "$(grep -c '^|---' "$tmp/out")" 2

# ---- tables and the terminal ----
# not a terminal: never wrapped nor cut, whatever $COLUMNS says
COLUMNS=40 "$bin" query --db "$fleet" unit-kills >"$tmp/got"
expect_eq "no terminal: one line per row" "$(wc -l <"$tmp/got")" 7
expect_grep "no terminal: a whole cell" "docker-a59e4e7d3090c04c6ce5a4b7a8bc85228eb9b96ac00b1284643a8c7c11dda661.scope" "$tmp/got"
if command -v script >/dev/null 2>&1; then
	# on a terminal ($COLUMNS wins over its size): long cells wrap in their column
	COLUMNS=72 script -qec "'$bin' query --db '$fleet' unit-kills --host 'pve*'" /dev/null | tr -d '\r' >"$tmp/got"
	cat >"$tmp/want" <<'EOF'
host   unit       type    container     events  kills  last_ts   victims
-----  ---------  ------  ------------  ------  -----  --------  -------
pve01  docker-    docker  a59e4e7d3090       2      2  2026-11-  php-fpm
       a59e4e7d3                                       11T09:
       090c04c6c                                       54:17Z
       e5a4b7a8b
       c85228eb9
       b96ac00b1
       284643a8c
       7c11dda66
       1.scope
(1 row)
EOF
	if cmp -s "$tmp/got" "$tmp/want"; then ok; else fail "wrapped table: $(diff "$tmp/want" "$tmp/got")"; fi
	expect_eq "wrapped: no line wider than the terminal" "$(awk 'length($0) > 72' "$tmp/got" | wc -l)" 0
	COLUMNS=72 script -qec "'$bin' query --db '$fleet' unit-kills --host 'pve*' --truncate" /dev/null | tr -d '\r' >"$tmp/got"
	cat >"$tmp/want" <<'EOF'
host   unit       type    container     events  kills  last_ts   victims
-----  ---------  ------  ------------  ------  -----  --------  -------
pve01  docker-a…  docker  a59e4e7d3090       2      2  2026-11…  php-fpm
(1 row)
EOF
	if cmp -s "$tmp/got" "$tmp/want"; then ok; else fail "--truncate: $(diff "$tmp/want" "$tmp/got")"; fi
	# too narrow for the headers: the columns keep them whole, the table is wider
	COLUMNS=40 script -qec "'$bin' query --db '$fleet' unit-kills --host 'pve*'" /dev/null | tr -d '\r' >"$tmp/got"
	expect_grep "too narrow: whole headers" "^host   unit      type    container  events  kills  last_ts   victims$" "$tmp/got"
	# a table that fits is as it would be anywhere
	COLUMNS=200 script -qec "'$bin' query --db '$fleet' daily --since 2026-11-01" /dev/null | tr -d '\r' >"$tmp/got"
	"$bin" query --db "$fleet" daily --since 2026-11-01 >"$tmp/want"
	if cmp -s "$tmp/got" "$tmp/want"; then ok; else fail "table that fits: $(diff "$tmp/want" "$tmp/got")"; fi
	# cells with line breaks show them as lines on a terminal
	COLUMNS=80 script -qec "'$bin' query --db '$fleet' \"SELECT 'a' || char(10) || 'b' AS x, 1 AS y\"" /dev/null | tr -d '\r' >"$tmp/got"
	printf 'x  y\n-  -\na  1\nb\n(1 row)\n' >"$tmp/want"
	if cmp -s "$tmp/got" "$tmp/want"; then ok; else fail "cell lines: $(diff "$tmp/want" "$tmp/got")"; fi
else
	echo "note: no script(1); the terminal tests are skipped" >&2
fi

# ---- the authorizer: refused, with the reason, the store untouched ----
ro=$tmp/ro.db
cp "$fleet" "$ro"
sqlite3 "$ro" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
before=$(sha256sum <"$ro")
mkdir "$tmp/cwd"
while IFS='|' read -r sql message; do
	expect_code "refused: $sql" 3 sh -c "cd '$tmp/cwd' && '$bin' query --db '$ro' \"\$1\"" - "$sql"
	expect_grep "refused: $sql: message" "$message" "$tmp/err"
done <<'EOF'
INSERT INTO meta VALUES ('k', 'v')|INSERT into 'meta' is not allowed: queries are read-only
UPDATE event SET host = 'x'|UPDATE of 'event' is not allowed: queries are read-only
DELETE FROM event|DELETE from 'event' is not allowed: queries are read-only
CREATE TEMP TABLE t (x)|CREATE is not allowed: queries cannot change the schema
DROP VIEW oom_events|DROP is not allowed: queries cannot change the schema
ALTER TABLE event ADD COLUMN x|ALTER TABLE event is not allowed: queries cannot change the schema
ATTACH 'other.db' AS o|ATTACH 'other.db' is not allowed: queries read the store only
DETACH main|DETACH 'main' is not allowed: queries read the store only
VACUUM INTO 'copy.db'|only read-only statements are allowed: VACUUM INTO
BEGIN|BEGIN is not allowed: a query runs on its own, not in a transaction
PRAGMA journal_mode = DELETE|PRAGMA journal_mode with a value is not allowed: queries cannot change settings
PRAGMA query_only = 0|PRAGMA query_only with a value is not allowed
PRAGMA optimize|PRAGMA optimize is not allowed: only pragmas that read
SELECT load_extension('libm.so.6')|function load_extension() is not allowed: it reaches outside the store
EOF
expect_eq "the store is byte for byte as it was" "$(sha256sum <"$ro")" "$before"
expect_eq "no file was made" "$(ls "$tmp/cwd" | wc -l)" 0
expect_eq "read pragmas as table-valued functions" \
	"$(csv "$ro" "SELECT count(*) AS n FROM pragma_table_info('oom_events') WHERE name = 'cause'" | tail -n 1)" 1
expect_eq "PRAGMA table_info" "$(csv "$ro" 'PRAGMA table_info(meta)' | tail -n +2 | cut -d, -f2 | tr '\n' ' ')" "key value "

echo "query e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
