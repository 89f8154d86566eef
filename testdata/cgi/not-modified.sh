#!/bin/sh
# not-modified.sh: a 304 with a body the client must not get; the request
# is still a success, not a "client went away" (C6).
printf 'Status: 304 Not Modified\nContent-Type: text/plain\n\nbody that must not be sent\n'
