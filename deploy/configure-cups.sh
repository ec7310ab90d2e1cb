#!/bin/sh
# Run once on a kiosk (as root): CUPS keeps a printed job's file for a day by default
# (PreserveJobFiles 86400), which would leave every certificate, name and ID number included,
# in /var/spool/cups. Keep the job history (ids and states, for reconciling after a crash),
# drop the files as soon as a job ends. Extra arguments go to cupsctl (e.g. -h SERVER).
set -eu
cupsctl "$@" PreserveJobFiles=No PreserveJobHistory=Yes
