#!/usr/bin/perl -w
# A forced reload left half done: the script deletes a module's %INC
# entry, so that a later require loads it afresh, and never requires it
# again. A CGI process's %INC dies with it: the next process loads the
# module once, quietly. In a worker the module is still loaded: without
# its entry, the next request's `use` or `require` would load it over
# itself ("Subroutine wrap redefined" under -w) and reset its globals.
use Text::Wrap qw(wrap);
print "Content-Type: text/plain\n\n";
print "Text/Wrap.pm in %INC at start: ", (exists $INC{'Text/Wrap.pm'} ? "yes" : "no"), "\n";
require Text::Wrap;
print wrap('', '  ', 'one two three'), "\n";
delete $INC{'Text/Wrap.pm'};
