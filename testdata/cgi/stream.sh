#!/bin/sh
# stream.sh: a line, a pause, a line: the first must reach the client at once (C8).
printf 'Content-Type: text/plain\n\nfirst\n'
sleep 2
printf 'second\n'
