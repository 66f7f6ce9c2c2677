# A service that leaks, restarted after each kill: its cgroup's limit is
# raised each time (as an operator would), so each kill finds it larger.
cgroup2
mkdir /sys/fs/cgroup/leaky.service
for mib in 40 56 72 88; do
	echo "${mib}M" >/sys/fs/cgroup/leaky.service/memory.max
	echo "truth limit_mib $mib"
	in_cgroup leaky.service hog -n leakyd -s 2 -d 20
	reap $!
	sleep 2
done
