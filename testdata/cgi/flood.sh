#!/bin/sh
# Writes without end: for a client that stops reading (the timeout must still
# end it).
echo "Content-Type: text/plain"
echo
exec yes menshen
