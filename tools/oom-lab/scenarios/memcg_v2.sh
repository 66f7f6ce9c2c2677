# A cgroup v2 group with memory.max 64 MiB; the host has room to spare.
cgroup2
mkdir /sys/fs/cgroup/lab
echo 64M >/sys/fs/cgroup/lab/memory.max
echo 0 >/sys/fs/cgroup/lab/memory.swap.max 2>/dev/null
in_cgroup lab hog -n cgeater -s 4
reap $!
