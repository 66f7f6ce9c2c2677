# tmpfs (shmem) holds most of memory; a small process asks for more.
dd if=/dev/zero of=/dev/shm/fill bs=1M count=140 2>/dev/null
echo "truth shmem_mib 140"
hog -n smallapp -s 4 &
reap $!
