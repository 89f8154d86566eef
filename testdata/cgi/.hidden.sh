#!/bin/sh
# .hidden.sh: dot-files are never served (C3).
printf 'Content-Type: text/plain\n\nhidden\n'
