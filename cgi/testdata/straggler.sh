#!/bin/sh
# Answers and exits, leaving a background child that holds stdout and
# stderr open (C10: it must not pin the response).
sleep 100 &
printf 'Content-Type: text/plain\n\nhi\n'
exit 0
