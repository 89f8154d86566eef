#!/bin/sh
# redirect-local.sh: a local Location is served as a fresh GET (C6, RFC 3875 §6.2.2).
printf 'Location: /cgi-bin/env.pl?via=local\n\nthis body is discarded\n'
