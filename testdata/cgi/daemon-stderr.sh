#!/bin/sh
# daemon-stderr.sh: starts a daemon (setsid, out of the script's session)
# that keeps the script's stderr open, works a moment, answers and exits:
# TestCGI_PageBeforeADaemonsStderr.
setsid sleep 5 > /dev/null < /dev/null &
echo $! > daemon.pid
sleep 0.2
printf 'Content-Type: text/plain\n\npage\n'
