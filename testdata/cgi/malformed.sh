#!/bin/sh
# malformed.sh: a header line without a colon: 502 (C10).
printf 'this is not a header\n\nbody\n'
