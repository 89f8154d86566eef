#!/bin/sh
# redirect-abs.sh: an absolute Location and no body is a client redirect (C6).
printf 'Location: http://example.com/elsewhere\n\n'
