package GD;
# Stand-in for GD's default kind of new image (gd_truecolor.pl):
# GD::Image->trueColor(1) sets it for the whole process (a C global in
# GD.xs, here a file lexical), and returns the one before;
# GD::Image->trueColor() only returns it, as GD does.
use strict;

package GD::Image;
my $truecolor = 0;
sub trueColor {
    my $old = $truecolor;
    $truecolor = $_[1] ? 1 : 0 if @_ > 1;
    return $old;
}
sub new {
    my ($class, $w, $h) = @_;
    return bless { w => $w, h => $h, truecolor => $truecolor }, $class;
}
sub isTrueColor { $_[0]{truecolor} }
# (The first bytes of its PNG: the colour type a palette image and a
# true colour one are written with.)
sub png { pack('A8NA4NNCC', "\x89PNG\r\n\x1a\n", 13, 'IHDR', $_[0]{w}, $_[0]{h}, 8, $_[0]{truecolor} ? 2 : 3) }
1;
