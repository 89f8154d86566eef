#!/bin/sh
# slow.sh: takes half a second and notes in "overlaps" when another copy of
# itself was running at the same time (C11: never more than --max-procs).
echo $$ >> started
if ! mkdir running 2>/dev/null; then echo overlap >> overlaps; fi
sleep 0.5
rmdir running 2>/dev/null
printf 'Content-Type: text/plain\n\nslow done\n'
