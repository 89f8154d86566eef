#!/usr/bin/perl
# A constant built at compile time from the request's environment, with a
# ';' inside a string before the %ENV (a DBI DSN): each request, as a new
# process, sees its own.
use strict;
use constant DSN => join(';', 'dbi:SQLite:dbname=app.db', "q=$ENV{QUERY_STRING}");
print "Content-Type: text/plain\n\n", DSN, "\n";
