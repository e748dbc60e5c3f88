#!/bin/sh
# shellcheck shell=sh
# qubes-stateless, cmdline hook. Sourced by dracut: never "exit" here.
#
# A stateless boot must not fsck the disk root (e2fsck writes whenever it has
# work: a journal to replay, an error to repair, a periodic check due). The
# systemd initramfs skips it through unit drop-ins; the shell-based initramfs
# reads rd.skipfsck, which we add for this boot only.
# shellcheck source=/dev/null # dracut's library, present in every initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

if getarg rd.qubes.stateless= >/dev/null; then
    mkdir -p /etc/cmdline.d
    echo "rd.skipfsck" >/etc/cmdline.d/90-qubes-stateless.conf
fi
