#!/usr/bin/perl -w
# Subs a string eval adds to a module's package and to UNIVERSAL, beside
# one the script's own code defines in a module's package: the next
# request finds none of them before it defines them again, as a new
# process (and no "redefined"). registry keeps them, as mod_perl does.
use strict;
use Text::Wrap ();
print "Content-Type: text/plain\n\n";
print "before: ", (defined &Text::Wrap::my_helper ? 'helper' : 'no helper'), ", ",
    (UNIVERSAL->can('describe') ? 'describe' : 'no describe'), ", ",
    (defined &Text::Wrap::direct ? 'direct' : 'no direct'), "\n";
eval 'sub Text::Wrap::my_helper { return "helper" } sub UNIVERSAL::describe { return "described" } 1' or die $@;
sub Text::Wrap::direct { return 'direct' }
print Text::Wrap::my_helper(), " ", main->describe, " ", Text::Wrap::direct(), "\n";
