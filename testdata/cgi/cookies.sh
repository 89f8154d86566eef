#!/bin/sh
# cookies.sh: repeated headers stay repeated (C6).
printf 'Content-Type: text/plain\nSet-Cookie: a=1\nSet-Cookie: b=2\n\ncookies\n'
