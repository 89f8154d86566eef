#!/bin/sh
# The header block alone, then a pause before the body (an event stream).
printf 'Content-Type: text/event-stream\n\n'
sleep 2
printf 'data: late\n\n'
