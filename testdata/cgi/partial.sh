#!/bin/sh
# partial.sh: headers and part of the body, then a hang past the timeout: the
# client must see a broken response, not a complete-looking one (C10).
printf 'Content-Type: text/plain\n\npartial\n'
sleep 30
printf 'rest\n'
