# Host-wide OOM without swap: one process takes memory until the kernel
# kills it. Nothing else of size runs.
hog -n bigeater -s 8 &
reap $!
