#!/bin/sh
# shellcheck shell=sh
# Benchmark hook (sourced by dracut, before qubes-stateless at 05).
#   qsbench.forum=1            the forum recipe: zram0 (kernel default
#                              compressor), mkfs.ext2, "cp -a /mnt/*"; the
#                              boot continues on that root.
#   qsbench.copy=ENGINE:TARGET time one copy of the root into TARGET (tmpfs
#                              or zram-lz4) with ENGINE (cp, cp-nosparse,
#                              tar, rsync), undo it, boot on.
#   qsbench.limit=1            the limits of any copy: reading the root
#                              (tar | cat) and reading + compressing it
#                              (tar | lz4 -1, tar | zstd -T0 -3), cold cache,
#                              then lz4/zstd alone on a tar of it in RAM.
#   qsbench.zstd_levels=1,9    with qsbench.limit: read + zstd at these levels
#                              too (the zram levels the benchmark tries).
# Results go to /run/qsbench/result (KEY=VALUE), printed by the guest init.
# shellcheck source=/dev/null
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

qsb_cs() {
    read -r _u _ </proc/uptime
    echo $((${_u%.*} * 100 + 1${_u#*.} - 100))
}

qsb_out() {
    mkdir -p /run/qsbench
    echo "$1=$2" >>/run/qsbench/result
}

qsb_used_bytes() {
    # shellcheck disable=SC2046
    set -- $(stat -f -c '%S %b %f' "$1")
    echo $((($2 - $3) * $1))
}

if getarg qsbench.forum= >/dev/null; then
    modprobe zram
    # The recipe's compressor, named rather than left to the kernel's default.
    # A kernel without it (Debian's 6.12 has no LZO zram backend) keeps its
    # default: record the one used.
    echo lzo-rle >/sys/block/zram0/comp_algorithm 2>/dev/null
    qsb_out forum_comp "$(sed -n 's/.*\[\([^]]*\)\].*/\1/p' /sys/block/zram0/comp_algorithm)"
    echo 4G >/sys/block/zram0/disksize
    _t0=$(qsb_cs)
    umount /sysroot
    mkdir -p /mnt
    mount -o ro /dev/vda /mnt
    mke2fs -q -F -t ext2 /dev/zram0
    mount /dev/zram0 /sysroot
    cp -a /mnt/* /sysroot
    qsb_out forum_rc $?
    sync
    qsb_out forum_seconds $(($(qsb_cs) - _t0))cs
    qsb_out forum_bytes "$(qsb_used_bytes /sysroot)"
fi

if _spec=$(getarg qsbench.copy=); then
    _engine=${_spec%%:*}
    _target=${_spec#*:}
    _dst=/run/qsbench/dst
    mkdir -p "$_dst"
    _zid=
    case $_target in
        tmpfs) mount -t tmpfs -o size=90% qsbench "$_dst" ;;
        zram-lz4)
            modprobe zram
            _zid=$(cat /sys/class/zram-control/hot_add)
            echo lz4 >"/sys/block/zram$_zid/comp_algorithm"
            echo 6G >"/sys/block/zram$_zid/disksize"
            udevadm settle >/dev/null 2>&1
            mke2fs -q -F -t ext4 -O ^has_journal -m 0 -E lazy_itable_init=1,nodiscard "/dev/zram$_zid"
            mount -o noinit_itable "/dev/zram$_zid" "$_dst"
            ;;
    esac
    _t0=$(qsb_cs)
    case $_engine in
        cp) cp -a -x --preserve=xattr --sparse=always /sysroot/. "$_dst/" ;;
        cp-nosparse) cp -a -x --preserve=xattr /sysroot/. "$_dst/" ;;
        tar)
            tar -C /sysroot --numeric-owner --xattrs --xattrs-include='*' --acls --sparse --one-file-system -cf - . \
                | tar -C "$_dst" --numeric-owner --xattrs --xattrs-include='*' --acls -xpf -
            ;;
        rsync) rsync -aHAXS -x --numeric-ids /sysroot/ "$_dst/" ;;
    esac
    qsb_out copy_rc $?
    sync -f "$_dst/"
    qsb_out copy_engine "$_engine"
    qsb_out copy_target "$_target"
    qsb_out copy_seconds $(($(qsb_cs) - _t0))cs
    qsb_out copy_bytes "$(qsb_used_bytes "$_dst")"
    if [ -n "$_zid" ]; then
        qsb_out copy_mm_stat "$(cat "/sys/block/zram$_zid/mm_stat")"
    fi
    umount "$_dst"
    if [ -n "$_zid" ]; then
        echo 1 >"/sys/block/zram$_zid/reset"
        echo "$_zid" >/sys/class/zram-control/hot_remove
    fi
fi

qsb_cold() {
    sync
    echo 3 >/proc/sys/vm/drop_caches
}

qsb_walk() {
    tar -C /sysroot --one-file-system --sparse -cf - .
}

if getarg qsbench.limit= >/dev/null; then
    qsb_cold
    _t0=$(qsb_cs)
    qsb_walk | cat >/dev/null
    qsb_out read_cs $(($(qsb_cs) - _t0))
    qsb_cold
    _t0=$(qsb_cs)
    qsb_walk | lz4 -1 -c >/dev/null
    qsb_out lz4_read_cs $(($(qsb_cs) - _t0))
    qsb_cold
    _t0=$(qsb_cs)
    qsb_walk | zstd -q -T0 -3 -c >/dev/null
    qsb_out zstd_read_cs $(($(qsb_cs) - _t0))
    if _levels=$(getarg qsbench.zstd_levels=); then
        _ifs=$IFS
        IFS=,
        for _l in $_levels; do
            # The list is split once; qsb_cs's read needs the default IFS.
            IFS=$_ifs
            case $_l in '' | *[!0-9]*) continue ;; esac
            qsb_cold
            _t0=$(qsb_cs)
            qsb_walk | zstd -q -T0 "-$_l" -c >/dev/null
            qsb_out "zstd${_l}_read_cs" $(($(qsb_cs) - _t0))
        done
    fi
    _ram=/run/qsbench/ram
    mkdir -p "$_ram"
    mount -t tmpfs -o size=90% qsbench-ram "$_ram"
    qsb_walk >"$_ram/root.tar"
    qsb_out read_bytes "$(stat -c %s "$_ram/root.tar")"
    _t0=$(qsb_cs)
    lz4 -q -1 "$_ram/root.tar" "$_ram/out"
    qsb_out lz4_ram_cs $(($(qsb_cs) - _t0))
    qsb_out lz4_out_bytes "$(stat -c %s "$_ram/out")"
    rm -f "$_ram/out"
    _t0=$(qsb_cs)
    zstd -q -T0 -3 "$_ram/root.tar" -o "$_ram/out"
    qsb_out zstd_ram_cs $(($(qsb_cs) - _t0))
    qsb_out zstd_out_bytes "$(stat -c %s "$_ram/out")"
    umount "$_ram"
fi
