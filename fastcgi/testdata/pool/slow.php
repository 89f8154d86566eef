<?php
// slow.php: sleeps ?ms= milliseconds, then answers with the pid of the
// php-cgi child that ran it (pool capacity tests).
usleep((int)($_GET['ms'] ?? 300) * 1000);
header("X-Pid: " . getmypid());
echo "pid=" . getmypid() . "\n";
