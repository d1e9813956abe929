#!/usr/bin/env bash
# Make a CUPS print queue for the printing test: start cupsd if it is not running and add a cups-pdf queue.
#
#   tests/ui/cups_helper.sh [QUEUE]      # default queue name: fever-desk-pdf; prints the queue name
#
# Needs the Debian packages cups, cups-client and printer-driver-cups-pdf, and root to start cupsd (CI).
# Exit status: 0 ready, 3 CUPS not installed, 4 cupsd not running and not root, 5 setup failed.  Every
# command runs under `timeout`, so a broken CUPS makes the test skip instead of hanging the suite.
set -u
QUEUE="${1:-fever-desk-pdf}"
T="timeout 10"

for tool in cupsd lpadmin lpstat cupsenable cupsaccept; do
    command -v "$tool" >/dev/null 2>&1 || { echo "CUPS is not installed ($tool missing)" >&2; exit 3; }
done

running() { $T lpstat -r 2>/dev/null | grep -q "is running"; }

if ! running; then
    if [ "$(id -u)" != 0 ]; then
        echo "cupsd is not running and only root can start it" >&2
        exit 4
    fi
    mkdir -p /run/cups /var/spool/cups-pdf/ANONYMOUS
    $T cupsd >/dev/null 2>&1 || { echo "cupsd did not start" >&2; exit 5; }  # daemonises itself
    for _ in $(seq 1 50); do running && break; sleep 0.2; done
    running || { echo "cupsd started but does not answer" >&2; exit 5; }
fi

if ! $T lpstat -p "$QUEUE" >/dev/null 2>&1; then
    PPD=""
    for candidate in /usr/share/ppd/cups-pdf/CUPS-PDF_noopt.ppd /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd \
        /usr/share/ppd/cups-pdf/CUPS-PDF.ppd; do
        [ -f "$candidate" ] && { PPD="$candidate"; break; }
    done
    [ -n "$PPD" ] || { echo "no cups-pdf PPD: install printer-driver-cups-pdf" >&2; exit 3; }
    $T lpadmin -p "$QUEUE" -E -v cups-pdf:/ -P "$PPD" || { echo "lpadmin failed" >&2; exit 5; }
fi
$T cupsenable "$QUEUE" >/dev/null 2>&1
$T cupsaccept "$QUEUE" >/dev/null 2>&1
echo "$QUEUE"
