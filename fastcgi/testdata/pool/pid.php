<?php
// pid.php: answers with the php-cgi worker's pid (pool tests).
header("X-Pid: " . getmypid());
echo "pid=" . getmypid() . "\n";
