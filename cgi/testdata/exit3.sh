#!/bin/sh
# Fails with exit status 3.
echo partial
exit 3
