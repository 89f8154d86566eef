#!/bin/sh
# nph-sleeper.sh: sleeper.sh as an NPH script: it writes nothing for 30 s;
# a timeout or the client leaving must kill its whole group (C10).
sleep 30 &
echo $! > pids.tmp
echo $$ >> pids.tmp
mv pids.tmp pids
sleep 30
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\ntoo late\n'
