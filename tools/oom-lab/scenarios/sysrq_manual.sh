# SysRq-f: an OOM kill asked for by hand, with memory to spare.
echo 1 >/proc/sys/kernel/sysrq
hog -n sysrqvictim -m 48 -w &
v=$!
sleep 2
echo f >/proc/sysrq-trigger
reap $v
