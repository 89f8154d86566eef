#!/bin/sh
# redirect-evil.sh: "//host" is a network-path reference, not a local path (C6).
printf 'Location: //evil.example/x\n\n'
