package Menshen::FailSetter;
# Configures Menshen::FailShared, which the script loads later, through
# its package variables (a site module presetting a library's options).
$Menshen::FailShared::greeting = 'hello from FailSetter';
@Menshen::FailShared::PLUGINS = ('a', 'b');
1;
