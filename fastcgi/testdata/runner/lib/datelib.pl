;# datelib.pl: a Perl 4 library in ctime.pl's style. Its package has no
;# sub of its own (its entry points are main'dayname and main'ymd) and
;# fills its tables as it loads.
package datelib;
$version = '1.2';
@DoW = ('Sun','Mon','Tue','Wed','Thu','Fri','Sat');
%MoY = ('Jan', 1, 'Feb', 2, 'Mar', 3);
$sep = '-';
$zone = 'GMT';
$calls = 0;
sub main'dayname { $calls++; $DoW[(gmtime($_[0]))[6]] }
sub main'ymd { local(@t) = gmtime($_[0]); $calls++; join($sep, $t[5] + 1900, $t[4] + 1, $t[3]) }
1;
