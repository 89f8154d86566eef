package DateTime;
# Stand-in for DateTime's default locale (datetime_locale.pl): kept in a
# lexical of the module's file, reached only through DefaultLocale, as
# DateTime.pm keeps it.
use strict;
{
    my $DefaultLocale;
    sub DefaultLocale {
        my $class = shift;
        $DefaultLocale = DateTime::Locale::Stand::In->new(shift) if @_;
        return $DefaultLocale;
    }
}
__PACKAGE__->DefaultLocale('en-US');

sub today { bless { locale => __PACKAGE__->DefaultLocale }, shift }
sub locale { $_[0]{locale} }

package DateTime::Locale::Stand::In;
sub new  { bless { code => $_[1] }, $_[0] }
sub code { $_[0]{code} }
1;
