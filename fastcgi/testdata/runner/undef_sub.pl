#!/usr/bin/perl
# A one-time sub freed once it has run (`undef &load_templates`, to give
# its memory back) is there again for the next request, as in a new
# process. auto saw no change (the same sub, emptied in place), stayed in
# registry, and the next request died "Undefined subroutine".
print "Content-Type: text/plain\n\n";
sub load_templates { "templates loaded" }
print load_templates(), "\n";
undef &load_templates;
print defined &load_templates ? "kept\n" : "freed\n";
