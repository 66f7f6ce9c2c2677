# vm.overcommit_memory=2: an allocation beyond CommitLimit fails with
# ENOMEM; nothing is killed.
echo 2 >/proc/sys/vm/overcommit_memory
echo 50 >/proc/sys/vm/overcommit_ratio
echo "truth commit_limit_kb $(sed -n 's/^CommitLimit: *\([0-9]*\) kB/\1/p' /proc/meminfo)"
hog -n greedy -s 64 -m 512
echo "truth greedy_exit $?"
