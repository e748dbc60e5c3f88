#!/bin/sh
# shellcheck shell=sh
# Provisioning (test only), run from pre-mount: /dev/vda is the future LUKS
# partition, /dev/vdb the root filesystem image to put on the root LV. The
# key file is in the initramfs. Prints QSP: markers and powers off.
# shellcheck source=/dev/null
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

qsp() {
    echo "QSP:$*" >/dev/console
}

qsp_run() {
    qsp "run $*"
    if ! "$@" >/tmp/qsp.out 2>&1; then
        while IFS= read -r _l; do qsp "  $_l"; done </tmp/qsp.out
        qsp "fail $*"
        return 1
    fi
    return 0
}

# No LVM udev rules in this initramfs: lvm makes its /dev nodes itself.
qsp_lvm() {
    lvm "$@" --config 'activation { udev_rules = 0 udev_sync = 0 }'
}

qsp_main() {
    _luks=$(getarg qsprov.luks=) || return 1
    _swap=$(getarg qsprov.swap=) || return 1
    _pool=$(getarg qsprov.pool=) || return 1
    _root=$(getarg qsprov.root=) || return 1
    _name=luks-$_luks
    _key=/etc/qs-luks.key
    # Cheap KDF: under emulation argon2 would take minutes.
    qsp_run cryptsetup luksFormat --batch-mode --type luks2 --uuid "$_luks" \
        --pbkdf pbkdf2 --pbkdf-force-iterations 1000 --key-file "$_key" /dev/vda || return 1
    qsp_run cryptsetup open --key-file "$_key" /dev/vda "$_name" || return 1
    qsp_run qsp_lvm pvcreate "/dev/mapper/$_name" || return 1
    qsp_run qsp_lvm vgcreate qubes_dom0 "/dev/mapper/$_name" || return 1
    qsp_run qsp_lvm lvcreate --type thin-pool -L "${_pool}M" -n root-pool qubes_dom0 || return 1
    qsp_run qsp_lvm lvcreate -V "${_root}M" --thinpool root-pool -n root qubes_dom0 || return 1
    qsp_run qsp_lvm lvcreate -L 16M -n swap qubes_dom0 || return 1
    qsp_run dd if=/dev/vdb of=/dev/mapper/qubes_dom0-root bs=1M conv=fsync || return 1
    qsp_run mkswap -U "$_swap" /dev/mapper/qubes_dom0-swap || return 1
    qsp_run qsp_lvm vgchange -an qubes_dom0 || return 1
    qsp_run cryptsetup close "$_name" || return 1
    sync
    return 0
}

if qsp_main; then
    qsp "done"
else
    qsp failed
fi
sync
echo o >/proc/sysrq-trigger
sleep 30
