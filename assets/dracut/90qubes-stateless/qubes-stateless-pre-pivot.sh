#!/bin/sh
# shellcheck shell=sh
# qubes-stateless, pre-pivot hook. Sourced by dracut: never "exit" here.
#
# /sysroot holds the disk root (read-only). When the kernel command line asks
# for a stateless boot, a child process replaces it with a RAM root or leaves
# it alone (persistent fallback); it cannot stop the boot either way.
# shellcheck source=/dev/null # dracut's library, present in every initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

if getarg rd.qubes.stateless= >/dev/null; then
    if [ -x /usr/sbin/qubes-stateless-setup ]; then
        NEWROOT="${NEWROOT:-/sysroot}" /usr/sbin/qubes-stateless-setup
    else
        warn "qubes-stateless: setup script missing; booting PERSISTENT"
    fi
fi
