<?php
// hello.php: not executable; runs through a [[wrapper]] (php-cgi).
header("X-Wrapped: php");
echo "hello from php ", $_SERVER["REQUEST_METHOD"], "\n";
