#!/bin/sh
# Prints a line, sleeps 2 s, prints another (C8: the first is readable at once).
echo first
sleep 2
echo second
