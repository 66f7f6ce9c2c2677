# Helpers for the scenarios (sourced by the guest's /init before a scenario).

# Waits for every pid given and reports how each ended (137: SIGKILL).
reap() {
	for p in "$@"; do
		wait "$p"
		echo "exit $p $?"
	done
}

# A cgroup v2 hierarchy at /sys/fs/cgroup with the memory controller on.
cgroup2() {
	mkdir -p /sys/fs/cgroup
	mount -t cgroup2 none /sys/fs/cgroup
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control
}

# Runs "$@" inside cgroup v2 group $1 (created).
in_cgroup() {
	g=$1
	shift
	mkdir -p "/sys/fs/cgroup/$g"
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "/sys/fs/cgroup/$g" "$@" &
}

# zram swap of $1 MiB: the zram module and its dependencies, in the order
# the lab's run script wrote (they differ by kernel: zsmalloc is a module
# on 6.1, built in on 6.12, where zram needs the lz4 modules).
zram_swap() {
	for m in $(cat /modules/order); do insmod "/modules/$m" || return 1; done
	echo "$1M" >/sys/block/zram0/disksize && mkswap /dev/zram0 >/dev/null &&
		swapon /dev/zram0 &&
		echo "truth swap_kb $(awk '$1 == "/dev/zram0" { print $3 }' /proc/swaps)"
}
