# Swap exists (64 MiB of zram) and fills up before the kernel kills.
zram_swap 64 || { echo "lab error no zram swap"; return 1; }
hog -n swapeater -s 8 &
reap $!
