package WatchConf;
our %C = (db => "app", user => "web");
1;
