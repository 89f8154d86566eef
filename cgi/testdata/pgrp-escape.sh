#!/bin/sh
# Leaves a child that moves to a process group of its own (setpgid, as
# coreutils timeout and `set -m` jobs do) but stays in the script's
# session; it prints its pid and sleeps. $1: "wait" sleeps here too,
# "stderr" exits at once with the child holding only stderr, else exits
# at once with the child holding stdout and stderr.
if [ "$1" = stderr ]; then
	perl -e '$| = 1; setpgrp(0, 0); print "$$\n"; open(STDOUT, ">", "/dev/null"); sleep 30' &
else
	perl -e '$| = 1; setpgrp(0, 0); print "$$\n"; sleep 30' &
fi
[ "$1" = wait ] && exec sleep 30
exit 0
