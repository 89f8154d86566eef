package AppMy::Visits;
# The application's own module keeps its data in a package of its own
# that has no subs (package AppMy::Visits::Store, declared here), and in
# another declared in the same file (AppMy::VisitLog).
package AppMy::Visits::Store;
our %seen;
package AppMy::VisitLog;
our @log;
package AppMy::Visits;
sub add {
    my ($who) = @_;
    $AppMy::Visits::Store::seen{$who}++;
    push @AppMy::VisitLog::log, $who;
}
sub list { join(',', sort keys %AppMy::Visits::Store::seen) . ' (' . scalar(@AppMy::VisitLog::log) . ' logged)' }
1;
