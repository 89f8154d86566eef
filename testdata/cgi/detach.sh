#!/bin/sh
# detach.sh: queues a job that outlives the request, as the README says:
# setsid run in the foreground starts the job in a session of its own and
# returns once it is there (the job's pid in job.pid), so the script may
# end at once. (`setsid cmd &` loses the race with the script's end.)
setsid sh -c 'sleep 30 > /dev/null 2>&1 < /dev/null & echo $! > job.pid'
printf 'Content-Type: text/plain\n\nqueued\n'
