package CHI::Driver::Memory;
# Stand-in for CHI::Driver::Memory (CHI.pm).
use strict;
our %Global_Datastore = ();
sub new {
    my ($class, %opt) = @_;
    my $self = bless { namespace => $opt{namespace} // 'Default' }, $class;
    $self->{datastore} = $opt{global} ? \%Global_Datastore : ($opt{datastore} // {});
    return $self;
}
sub get { $_[0]{datastore}{ $_[0]{namespace} }{ $_[1] } }
sub set { $_[0]{datastore}{ $_[0]{namespace} }{ $_[1] } = $_[2] }
1;
