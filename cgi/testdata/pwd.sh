#!/bin/sh
# Prints its working directory.
pwd -P
