#!/bin/sh
# Leaves a job that left the session (setsid run in the foreground, as the
# README says) and keeps only the script's stderr; prints its pid. The job
# writes a line to stderr after $1 seconds, then lives $2 seconds more;
# the script itself exits after $3 seconds.
setsid sh -c '(sleep "$1"; echo job line >&2; sleep "$2") > /dev/null < /dev/null & echo $!' job "$1" "$2"
sleep "$3"
