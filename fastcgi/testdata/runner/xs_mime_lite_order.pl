#!/usr/bin/perl
# MIME::Lite's class settings live in file lexicals of MIME/Lite.pm:
# field_order (the header order of every message) and the send method
# (MIME::Lite->send('sendmail', $cmd)). A request that sets them must
# not set them for the next one.
use MIME::Lite;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
if ($n == 0) {
    MIME::Lite->field_order(qw(subject to from));
    MIME::Lite->send('sendmail', '/bin/cat');
}
$msg = MIME::Lite->new(From => 'web@example.com', To => "user$n\@example.com",
    Subject => "Order $n", Date => 'Thu, 3 Dec 2026 18:00:00 +0000', Data => "thanks\n");
print "Content-Type: text/plain\n\n";
print $msg->header_as_string, "\n";
@old = MIME::Lite->send('smtp', 'localhost');
print "sender before: @old\n";
