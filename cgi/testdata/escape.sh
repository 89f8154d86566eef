#!/bin/sh
# Leaves a child that escapes the process group (setsid) still holding
# stdout and stderr, prints its pid and exits.
setsid sleep 100 &
echo $!
