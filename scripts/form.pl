#!/usr/bin/perl
# form.pl -- a classic hand-rolled form handler, no CGI.pm.
# Demonstrates: GET shows an HTML form that posts to itself ($ENV{SCRIPT_NAME});
# POST (application/x-www-form-urlencoded) reads exactly CONTENT_LENGTH bytes
# from STDIN and echoes the submitted values HTML-escaped; a GET with a query
# string is treated like a submission too.  Any other method gets 405 with an
# Allow header, a POST of another content type 415, a short body 400.
# Written in the old style on purpose (package globals filled by subs, the
# &sub call syntax): it is part of the legacy corpus the persistent runner must
# serve exactly as a fresh process would.
use strict;
use warnings;
use vars qw(%FORM @ORDER $METHOD $SELF $ERROR);

my @DEPARTMENTS = ('Quality Assurance', 'Production', 'Maintenance', 'Engineering');

$METHOD = defined $ENV{REQUEST_METHOD} ? uc $ENV{REQUEST_METHOD} : 'GET';
$SELF   = defined $ENV{SCRIPT_NAME} && $ENV{SCRIPT_NAME} ne '' ? $ENV{SCRIPT_NAME} : 'form.pl';

if ($METHOD ne 'GET' && $METHOD ne 'HEAD' && $METHOD ne 'POST') {
    &error_page('405 Method Not Allowed', "Method $METHOD is not supported here.",
                "Allow: GET, HEAD, POST\r\n");
    exit 0;
}

if ($METHOD eq 'POST') {
    my $ct = defined $ENV{CONTENT_TYPE} ? $ENV{CONTENT_TYPE} : '';
    unless ($ct =~ m{^application/x-www-form-urlencoded\s*(?:;|$)}i) {
        &error_page('415 Unsupported Media Type',
                    'This form only accepts application/x-www-form-urlencoded.');
        exit 0;
    }
    my $buffer = &read_body;
    unless (defined $buffer) {
        &error_page('400 Bad Request', $ERROR);
        exit 0;
    }
    &parse_form($buffer);
} else {
    &parse_form(defined $ENV{QUERY_STRING} ? $ENV{QUERY_STRING} : '');
}

print "Content-Type: text/html; charset=UTF-8\r\n\r\n";
exit 0 if $METHOD eq 'HEAD';

print &page_head('Shift feedback');
print "<h1>Shift feedback</h1>\n";
if (@ORDER) {
    print "<h2>You submitted (", &html_escape($METHOD), ")</h2>\n<table border=\"1\" cellpadding=\"4\">\n";
    foreach my $key (@ORDER) {
        foreach my $value (@{ $FORM{$key} }) {
            my $shown = &html_escape($value);
            $shown =~ s/\r?\n/<br>\n/g;
            print '<tr><th align="left">', &html_escape($key), "</th><td>$shown</td></tr>\n";
        }
    }
    print "</table>\n<hr>\n";
}
&print_form;
print "</body>\n</html>\n";
exit 0;

# Reads the request body: exactly CONTENT_LENGTH bytes, never more.  Returns
# undef and sets $ERROR when the length is bad or the body ends early.
sub read_body {
    my $len = defined $ENV{CONTENT_LENGTH} ? $ENV{CONTENT_LENGTH} : '';
    $len = 0 if $len eq '';
    if ($len !~ /^\d+$/) {
        $ERROR = 'Bad Content-Length.';
        return undef;
    }
    my $buf = '';
    binmode STDIN;
    while (length($buf) < $len) {
        my $n = read(STDIN, $buf, $len - length($buf), length($buf));
        if (!defined $n) {
            $ERROR = "Error reading the request body: $!";
            return undef;
        }
        last if $n == 0;
    }
    if (length($buf) != $len) {
        $ERROR = sprintf('Request body ended after %d of %d bytes.', length($buf), $len);
        return undef;
    }
    return $buf;
}

# Splits an urlencoded string into %FORM (name => [values]) keeping the
# order in which names first appear in @ORDER.
sub parse_form {
    my ($data) = @_;
    %FORM  = ();
    @ORDER = ();
    foreach my $pair (split /[&;]/, $data) {
        next if $pair eq '';
        my ($name, $value) = split /=/, $pair, 2;
        $value = '' unless defined $value;
        $name  = &url_decode($name);
        $value = &url_decode($value);
        push @ORDER, $name unless exists $FORM{$name};
        push @{ $FORM{$name} }, $value;
    }
}

sub url_decode {
    my ($s) = @_;
    $s =~ tr/+/ /;
    $s =~ s/%([0-9A-Fa-f]{2})/chr(hex($1))/eg;
    return $s;
}

sub html_escape {
    my ($s) = @_;
    $s =~ s/&/&amp;/g;
    $s =~ s/</&lt;/g;
    $s =~ s/>/&gt;/g;
    $s =~ s/"/&quot;/g;
    $s =~ s/'/&#39;/g;
    return $s;
}

sub page_head {
    my ($title) = @_;
    return "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\">\n"
         . "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n"
         . '<title>' . &html_escape($title) . "</title>\n</head>\n<body bgcolor=\"#ffffff\">\n";
}

sub print_form {
    my $name    = exists $FORM{name}    ? $FORM{name}[0]    : '';
    my $comment = exists $FORM{comment} ? $FORM{comment}[0] : '';
    my $dept    = exists $FORM{dept}    ? $FORM{dept}[0]    : '';
    print '<form method="post" action="', &html_escape($SELF), "\">\n";
    print "<table>\n";
    print '<tr><td>Name:</td><td><input type="text" name="name" size="40" value="',
          &html_escape($name), "\"></td></tr>\n";
    print "<tr><td>Department:</td><td><select name=\"dept\">\n";
    foreach my $d (@DEPARTMENTS) {
        my $sel = $d eq $dept ? ' selected' : '';
        my $e = &html_escape($d);
        print "<option value=\"$e\"$sel>$e</option>\n";
    }
    print "</select></td></tr>\n";
    print "<tr><td valign=\"top\">Comment:</td><td><textarea name=\"comment\" rows=\"6\" cols=\"60\">",
          &html_escape($comment), "</textarea></td></tr>\n";
    print "<tr><td></td><td><input type=\"submit\" value=\"Send\"></td></tr>\n";
    print "</table>\n</form>\n";
}

sub error_page {
    my ($status, $message, $extra) = @_;
    $extra = '' unless defined $extra;
    print "Status: $status\r\n${extra}Content-Type: text/html; charset=UTF-8\r\n\r\n";
    return if $METHOD eq 'HEAD';
    print &page_head($status);
    print '<h1>', &html_escape($status), "</h1>\n<p>", &html_escape($message), "</p>\n</body>\n</html>\n";
}
