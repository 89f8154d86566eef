#!/bin/sh
# sleeper.sh: records its pid and a background grandchild's pid in "pids",
# then sleeps: for timeouts and disconnects the whole group must die (C10).
sleep 30 &
echo $! > pids.tmp
echo $$ >> pids.tmp
mv pids.tmp pids
sleep 30
printf 'Content-Type: text/plain\n\ntoo late\n'
