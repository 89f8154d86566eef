<?php
// pid.php: served by php-cgi (a configured wrapper), persistent in fastcgi mode.
header("Content-Type: text/plain");
header("X-Pid: " . getmypid());
echo "php ", getmypid(), "\n";
