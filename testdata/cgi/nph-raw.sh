#!/bin/sh
# nph-raw.sh: a non-parsed-header script writes the whole response (C7).
printf 'HTTP/1.1 299 Custom Reason\r\nX-Raw: yes\r\nContent-Type: text/x-raw\r\nConnection: close\r\n\r\nraw body, untouched\n'
