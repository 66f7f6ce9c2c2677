# Huge pages reserved at boot (hugepages=60, 120 MiB) leave too little.
echo "truth hugepages $(sed -n 's/^HugePages_Total: *\([0-9]*\)/\1/p' /proc/meminfo)"
hog -n smallapp -s 4 &
reap $!
