#!/bin/sh
# no-ctype.sh: none of Content-Type, Location, Status is an invalid response (C6, C10).
printf 'X-Only: this\n\nbody\n'
