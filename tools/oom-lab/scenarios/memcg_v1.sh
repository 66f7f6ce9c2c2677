# A cgroup v1 memory controller group with limit_in_bytes 64 MiB. Kernels
# built without cgroup v1 memory (CONFIG_MEMCG_V1=n, 6.11+) skip it.
mkdir -p /sys/fs/cgroup
mount -t tmpfs cgroup /sys/fs/cgroup
mkdir /sys/fs/cgroup/memory
if ! mount -t cgroup -o memory memory /sys/fs/cgroup/memory 2>/dev/null; then
	echo "truth skipped no cgroup v1 memory controller"
	return 0
fi
mkdir /sys/fs/cgroup/memory/lab
echo 64M >/sys/fs/cgroup/memory/lab/memory.limit_in_bytes
sh -c 'echo $$ >/sys/fs/cgroup/memory/lab/cgroup.procs && exec hog -n v1eater -s 4' &
reap $!
