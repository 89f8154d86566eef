#!/bin/sh
# crlf.sh: header lines ending in CRLF and LF mixed (C6).
printf 'Content-Type: text/plain\r\nX-Crlf: yes\r\nX-Lf: yes\n\r\nmixed\n'
