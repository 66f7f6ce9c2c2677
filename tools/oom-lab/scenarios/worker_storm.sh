# A worker storm: 200 processes of one name, 1 MiB each, more than memory
# holds together. The kernel kills workers one after another until the rest
# fit; the survivors are stopped (SIGTERM) at the end, so every worker's end
# is known: 137 (SIGKILL) is the OOM killer's.
i=0
pids=
while [ $i -lt 200 ]; do
	hog -n worker -m 1 -s 1 -w >/dev/null &
	pids="$pids $!"
	i=$((i + 1))
done
echo "truth workers 200"
sleep 5
kill $pids 2>/dev/null
reap $pids
