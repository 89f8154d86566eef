#!/bin/sh
# redirect-carry.sh: a local redirect to the script named by the query. The
# final answer keeps its other headers (Set-Cookie, X-Lost), as in Apache;
# those that describe this answer (Content-Type, Last-Modified, ETag,
# Content-Range, Content-Encoding, Content-Language, Content-Length) and
# the hop-by-hop ones do not carry (C6).
printf 'Set-Cookie: login=1\r\nX-Lost: yes\r\nSet-Cookie: theme=dark\r\nContent-Type: text/html\r\nLast-Modified: Tue, 01 Jan 2019 00:00:00 GMT\r\nETag: "r1"\r\nContent-Range: bytes 0-1/2\r\nContent-Encoding: gzip\r\nContent-Language: de\r\nContent-Length: 3\r\nConnection: close\r\nKeep-Alive: timeout=1\r\nStatus: 200\r\nLocation: /cgi-bin/%s\r\n\r\nthis body is discarded\n' "$QUERY_STRING"
