#!/bin/sh
# status.sh: a Status header sets the response code and its reason phrase (C6).
printf 'Status: 418 I am a teapot\nContent-Type: text/plain\n\nteapot\n'
