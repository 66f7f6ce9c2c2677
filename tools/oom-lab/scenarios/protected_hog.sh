# The largest process is protected (oom_score_adj=-1000): the kernel kills
# a smaller one, which is not the cause.
hog -n bigprotected -a -1000 -m 130 -w &
big=$!
sleep 2
hog -n smallapp -s 4 &
reap $!
kill $big
