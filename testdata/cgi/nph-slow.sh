#!/bin/sh
# nph-slow.sh: an NPH answer that takes a second: shutdown must wait for it
# although its connection is hijacked (C7, C33).
echo $$ > nph-pid
sleep 1
printf 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nnph slow done\n'
