# vm.oom_dump_tasks=0: the report has no task table.
echo 0 >/proc/sys/vm/oom_dump_tasks
hog -n bigeater -s 8 &
reap $!
