#!/usr/bin/perl
# ImageMagick's resource limits are the library's, for the whole
# process: a limit one request sets (a guard for a guest's upload) must
# not make the next request's image fail.
use Image::Magick;
($n) = ($ENV{QUERY_STRING} =~ /n=(\d+)/);
$guard = Image::Magick->new;
$guard->Set('memory-limit' => '1KiB', 'map-limit' => '1KiB', 'disk-limit' => '1KiB') if $n == 0;
$im = Image::Magick->new(size => '200x150');
$err = $im->Read('xc:red');
print "Content-Type: text/plain\n\n";
print "n=$n read: ", ($err ? "failed" : "ok"), "\n";
print "size: ", join('x', $im->Get('width', 'height')), "\n" unless $err;
