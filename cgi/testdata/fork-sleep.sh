#!/bin/sh
# Forks a grandchild that sleeps, prints its pid, then sleeps itself: only a
# group kill ends both (C10).
sleep 100 &
echo $!
exec sleep 100
