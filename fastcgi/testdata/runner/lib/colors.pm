# A data file named like a module but with no package line: its variables
# land in main::, as awstats' lib/*.pm do.
%ColorHash = (red => 'ff0000', green => '00ff00');
@ColorOrder = ('red', 'green');
sub color_count { scalar @ColorOrder }
1;
