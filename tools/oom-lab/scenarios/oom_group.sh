# memory.oom.group = 1: the kernel kills every process of the group, not
# only the one it chose.
cgroup2
mkdir /sys/fs/cgroup/job
echo 64M >/sys/fs/cgroup/job/memory.max
echo 1 >/sys/fs/cgroup/job/memory.oom.group
in_cgroup job hog -n helper -m 4 -w
a=$!
in_cgroup job hog -n helper -m 4 -w
b=$!
sleep 1
in_cgroup job hog -n jobeater -s 4
c=$!
reap $c $a $b
