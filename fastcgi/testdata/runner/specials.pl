#!/usr/bin/perl
# Special variables are fresh at the start of every request.
print "Content-Type: text/plain\n\n";
printf "rs=%s ofs=%s ors=%s list=[%s] subsep=%d af=%d W=%d\n",
    defined $/ ? length($/) : 'undef', defined $, ? $, : 'undef',
    defined $\ ? 'set' : 'undef', $", ord($;), $|, $^W;
$/ = undef; $, = '-'; $\ = "!\n"; $" = ':'; $; = '#'; $^W = 1;
print "a", "b";
my @x = (1, 2);
print "@x";
