package Menshen::EvalBackend;
# Builds its backend class with a string eval as it loads, from its own
# source text, as JSON.pm builds JSON::Backend::XS: a package made by a
# module's eval is the module's, and outlives every request.
use strict;
my $backend = <<'CODE';
package Menshen::EvalBackend::Impl;
sub new { my ($class, $n) = @_; return bless { n => $n }, $class }
sub encode { my ($self, $v) = @_; return "[$self->{n}:$v]" }
1;
CODE
sub import {
    unless (defined &Menshen::EvalBackend::Impl::new) {
        eval $backend or die $@;
        our @ISA = ('Menshen::EvalBackend::Impl');
    }
}
1;
