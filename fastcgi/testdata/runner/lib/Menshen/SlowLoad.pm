package Menshen::SlowLoad;
# Loads at once in the worker, but hangs when loaded again once the
# script has left its mark (a module waiting at load for a lock the
# worker holds): the runner's question to a new perl must not hang.
our $x = 'loaded';
sleep 30 if -e __FILE__ . '.slow';
1;
