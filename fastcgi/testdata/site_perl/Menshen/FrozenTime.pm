package Menshen::FrozenTime;
# A test double in Test::MockTime's way: as it loads, it makes time an
# override of perl's builtin (CORE::GLOBAL::time), for all code compiled
# after it. (core_global_module.pl)
*CORE::GLOBAL::time = sub () { 1000000000 };
1;
