#!/bin/sh
# cl-lie.sh: claims 5 bytes, sends 20; the gateway frames the body itself (C6).
printf 'Content-Type: text/plain\nContent-Length: 5\n\n0123456789abcdefghij'
