#!/bin/sh
# Answers without ever reading its stdin, after an optional pause.
printf 'Content-Type: text/plain\n\nok\n'
sleep "${1:-0}"
