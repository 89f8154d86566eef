#!/usr/bin/perl -T
# Under -T, what is tainted and what not, as in a new process: ${^TAINT}
# itself is not (the runner once read it in a statement that read the
# tainted $0, which tainted it for good).
use strict;
use warnings;
use Scalar::Util qw(tainted);
print "Content-Type: text/plain\n\n";
sub t { my ($n, $v) = @_; print "$n: ", (tainted($v) ? 1 : 0), "\n" }
t('$0', $0);
t('ARGV', join '', @ARGV);
t('ENV HTTP_X', $ENV{HTTP_X_PROBE});
t('ENV QUERY_STRING', $ENV{QUERY_STRING});
for my $k (sort keys %ENV) { t("key $k", $k) }
t('$^X', $^X);
t('__FILE__', __FILE__);
t('__LINE__', __LINE__);
t('__PACKAGE__', __PACKAGE__);
t('localtime', scalar localtime);
t('localtime list', (localtime)[0]);
t('time', time);
t('$$', $$);
t('getppid', getppid);
t('$<', $<);
t('$@ empty', $@);
t('$!', "$!");
t('@INC', join ':', @INC);
t('%INC', join ':', values %INC);
t('cwd', do { require Cwd; Cwd::getcwd() });
t('readlink', readlink('/proc/self/exe') // '');
my @g = glob('lib/*.txt');
t('glob', $g[0]);
t('glob2', (<lib/w*>)[0]);
t('${^TAINT}', ${^TAINT});
print "TAINT=${^TAINT}\n";
t('$^O', $^O);
t('$]', $]);
t('$;', $;);
t('$/', $/);
t('$,', $, // '');
t('stat', (stat 'lib/words.txt')[7]);
t('-s', -s 'lib/words.txt');
t('getpwuid', scalar getpwuid($<));
t('uname', do { require POSIX; (POSIX::uname())[0] });
t('sprintf tainted', sprintf('%s', $ENV{QUERY_STRING}));
t('substr0', substr($ENV{QUERY_STRING}, 0, 0));
t('lc', lc $ENV{PATH});
t('caller', join ',', map { $_ // '' } caller(0));
t('%SIG key', (sort keys %SIG)[0]);
t('$^W', $^W);
t('$^T', $^T);
t('${^GLOBAL_PHASE}', ${^GLOBAL_PHASE});
t('$ENV{PATH}', $ENV{PATH});
t('$0 substr', substr($0, 0, 1));
