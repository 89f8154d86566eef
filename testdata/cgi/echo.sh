#!/bin/sh
# echo.sh: sends the request body back byte for byte, with the CONTENT_LENGTH
# it was given (C5).
printf 'Content-Type: application/octet-stream\nX-Content-Length: %s\n\n' "${CONTENT_LENGTH-unset}"
exec cat
