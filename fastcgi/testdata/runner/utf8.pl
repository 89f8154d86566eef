#!/usr/bin/perl
# Wide characters through :utf8, then raw bytes on a fresh STDOUT next time.
use utf8;
print "Content-Type: text/plain; charset=utf-8\n\n";
binmode STDOUT, ':utf8';
print "smile \x{263A} café ☺\n";
binmode STDOUT, ':encoding(UTF-8)';
print "é again\n";
