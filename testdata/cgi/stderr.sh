#!/bin/sh
# stderr.sh: stderr is logged with script and pid, never sent (C9).
echo "warning: secret-stderr-line" >&2
printf 'Content-Type: text/plain\n\nbody only\n'
