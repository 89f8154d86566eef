#!/bin/sh
# te.sh: a script Transfer-Encoding is response splitting (CVE-2024-24795): 502.
printf 'Content-Type: text/plain\nTransfer-Encoding: chunked\n\n5\r\nhello\r\n0\r\n\r\n'
