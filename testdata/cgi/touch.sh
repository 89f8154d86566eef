#!/bin/sh
# touch.sh: leaves a marker file "ran" in its directory, to prove whether it
# was started at all (C5: 413 comes before the script starts).
: > ran
printf 'Content-Type: text/plain\n\nran\n'
