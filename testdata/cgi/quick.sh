#!/bin/sh
# quick.sh: an answer whose output ends the moment it is written (the
# script closes its stdout, then exits): TestCGI_ReadyAtTheEndOfOutput.
printf 'Content-Type: text/plain\n\nhello\n'
exec >&-
