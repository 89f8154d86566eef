#!/bin/sh
# nph-stream.sh: an NPH answer in two parts 2 s apart: the first must reach
# the client at once (C7, C8).
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nfirst\n'
sleep 2
printf 'second\n'
