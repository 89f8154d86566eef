#!/usr/bin/perl
# Mail::Sendmail's documented set-up: unshift the site's server onto
# $mailcfg{smtp}, every request.
use Mail::Sendmail;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
unshift @{$Mail::Sendmail::mailcfg{'smtp'}}, "mail$n.example.com";
$Mail::Sendmail::mailcfg{'retries'} = 0 if $n == 0;
print "Content-Type: text/plain\n\n";
print "servers: @{$Mail::Sendmail::mailcfg{smtp}}\n";
print "retries: $Mail::Sendmail::mailcfg{retries}\n";
