#!/bin/sh
# early-exit.sh: exits before a header block: 502 (C10).
exit 3
