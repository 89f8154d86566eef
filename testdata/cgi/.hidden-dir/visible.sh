#!/bin/sh
# .hidden-dir/visible.sh: files in dot-directories are never served (C3).
printf 'Content-Type: text/plain\n\nhidden\n'
