#!/bin/sh
# shellcheck shell=sh
# qubes-stateless: stands in for qubes-dom0-update, dnf and yum in the RAM
# copy of the root during a stateless session (put there by the setup script;
# the disk's own programs are untouched and come back at the next boot).
#
# An update in a session would install into RAM and be forgotten, except for
# what it writes to /boot: a new kernel and grub.cfg whose modules vanish
# with the RAM root. So it is refused, whichever front end (dnf4 or dnf5).
echo "qubes-stateless: '${0##*/}' is refused in a stateless session: reboot into the normal (persistent) entry to update dom0." >&2
echo "qubes-stateless: dom0's root is in RAM: what it installs would be lost at shutdown, and a new kernel" \
    "would reach /boot without its modules." >&2
exit 1
