#!/bin/busybox sh
# shellcheck shell=sh
# Guest /sbin/init for the VM boot tests (runs as PID 1 on the test root).
# Prints "QSR:key=value" lines on the serial console for e2e/boot/harness.ts,
# then powers off. Test knobs come from the kernel command line (qstest.*).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin

r() { echo "QSR:$1=$2"; }

[ -e /proc/self ] || mount -t proc proc /proc
[ -e /sys/kernel ] || mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
grep -q ' /run ' /proc/mounts || mount -t tmpfs tmpfs /run

read -r up _ </proc/uptime
echo "QSR:begin"
# What systemd-remount-fs does on a real system: the root becomes writable
# (the disk in a persistent boot; a no-op change for a RAM root).
mount -o remount,rw / 2>/dev/null || echo "QSR:remount_rw=failed"
r uptime_init "$up"

# The root as the kernel sees it (last "/" line is the topmost mount).
root_line=$(grep ' / ' /proc/mounts | tail -n 1)
# shellcheck disable=SC2086
set -- $root_line
r root_source "$1"
r root_fstype "$3"
r root_opts "$4"
while read -r line; do r mount "$line"; done </proc/mounts

if [ -r /run/qubes-stateless/status ]; then
    while IFS= read -r line; do r "status.${line%%=*}" "${line#*=}"; done </run/qubes-stateless/status
fi
if [ -r /run/qsbench/result ]; then
    while IFS= read -r line; do r "bench.${line%%=*}" "${line#*=}"; done </run/qsbench/result
fi
for f in /run/systemd/journald.conf.d/*.conf; do
    [ -e "$f" ] && r journald_dropin "$f:$(grep -v '^#' "$f" | tr '\n' ' ')"
done
for f in /run/systemd/system/*.d/*.conf; do
    [ -e "$f" ] && r unit_dropin "$f:$(grep -v '^#' "$f" | tr '\n' ' ')"
done
for f in /run/systemd/system/* /run/systemd/user/*; do
    [ -L "$f" ] && r unit_mask "$f:$(readlink "$f")"
done
for f in /sys/block/*/ro /sys/block/*/*/ro; do
    [ -r "$f" ] || continue
    d=${f%/ro}
    [ "$(cat "$f")" = 1 ] && r blockdev_ro "${d##*/}"
done
while read -r line; do r swaps "$line"; done </proc/swaps
if [ -r /etc/fstab ]; then
    while IFS= read -r line; do r fstab "$line"; done </etc/fstab
fi

for k in MemTotal MemFree MemAvailable Buffers Cached Shmem Slab SUnreclaim; do
    r "meminfo.$k" "$(grep "^$k:" /proc/meminfo | tr -s ' ' | cut -d' ' -f2)"
done
for z in /sys/block/zram*; do
    [ -e "$z/mm_stat" ] || continue
    n=${z##*/}
    r "zram.$n.disksize" "$(cat "$z/disksize")"
    r "zram.$n.comp" "$(cat "$z/comp_algorithm")"
    r "zram.$n.mm_stat" "$(tr -s ' ' <"$z/mm_stat")"
done
r df_root "$(df -k / | tail -n 1 | tr -s ' ')"
if grep -q ' /run/qubes-stateless/rw ' /proc/mounts; then
    r df_upper "$(df -k /run/qubes-stateless/rw | tail -n 1 | tr -s ' ')"
fi

# Test files put on the image by the harness (see makeTestRoot).
if [ -e /qs ]; then
    [ -e /.qs-dotfile ] && r dotfile "$(cat /.qs-dotfile)"
    [ -e /.qs-dotdir/inner ] && r dotdir "$(cat /.qs-dotdir/inner)"
    r hardlink "$(stat -c '%i %h' /qs/hl-a) $(stat -c '%i %h' /qs/hl-b)"
    r sparse "$(stat -c '%s %b %B' /qs/sparse) $(md5sum /qs/sparse | cut -d' ' -f1)"
    r owner "$(stat -c '%u:%g %a' /qs/owned)"
    r rootdir "$(stat -c '%u:%g %a' /)"
    if [ -x /usr/bin/getfattr ]; then
        r xattr_file "$(/usr/bin/getfattr --absolute-names -d -m - /qs/xattr 2>&1 | grep '=' | sort | tr '\n' ' ')"
        r xattr_acl "$(/usr/bin/getfattr --absolute-names -d -m - /qs/acl 2>&1 | grep '=' | sort | tr '\n' ' ')"
        r xattr_root "$(/usr/bin/getfattr --absolute-names -d -m - / 2>&1 | grep '=' | sort | tr '\n' ' ')"
        r xattr_cap "$(/usr/bin/getfattr --absolute-names -d -m - /qs/cap 2>&1 | grep '=' | sort | tr '\n' ' ')"
    fi
fi

# Knobs from the kernel command line, and from the root itself (the chain
# tests' root, whose boot entries are the real ones).
cmdline="$(cat /proc/cmdline) $(cat /etc/qstest.words 2>/dev/null)"
for word in $cmdline; do
    case $word in
        qstest.write=*)
            name=${word#qstest.write=}
            if echo "$name" >"/$name" && sync && [ "$(cat "/$name")" = "$name" ]; then
                r write "ok $name"
            else
                r write "failed $name"
            fi
            ;;
        qstest.expect=*)
            name=${word#qstest.expect=}
            if [ -e "/$name" ]; then r expect "present $name"; else r expect "absent $name"; fi
            ;;
    esac
done

# What an update or a careless user would do next (qstest.mounta): mount
# everything in fstab, write into /boot, make it writable, run the update
# tools. Each outcome is reported; the harness judges them.
case " $cmdline " in
    *" qstest.mounta "*)
        mount -a 2>&1 | head -n 3 | while IFS= read -r line; do r mounta_msg "$line"; done
        for mp in /boot /boot/efi; do
            m=$(grep " $mp " /proc/mounts | tail -n 1)
            r "mounted$mp" "${m:-none}"
        done
        if echo new-kernel >/boot/qs-update-probe 2>/dev/null && sync; then r boot_write ok; else r boot_write failed; fi
        if mount -o remount,rw /boot 2>/dev/null; then r boot_remount_rw ok; else r boot_remount_rw failed; fi
        if echo new-kernel >/boot/qs-update-probe 2>/dev/null && sync; then r boot_write_after_remount ok; else r boot_write_after_remount failed; fi
        for tool in qubes-dom0-update dnf; do
            [ -e "/usr/bin/$tool" ] || continue
            out=$("/usr/bin/$tool" upgrade 2>&1)
            r "update.$tool" "rc=$? $(echo "$out" | head -n 1)"
        done
        sync
        ;;
esac
for word in $cmdline; do
    case $word in
        qstest.bootwrite=*)
            name=${word#qstest.bootwrite=}
            if echo "$name" >"/boot/$name" && sync; then r bootwrite "ok $name"; else r bootwrite "failed $name"; fi
            ;;
    esac
done

read -r up _ </proc/uptime
r uptime_end "$up"
echo "QSR:end"
sync
busybox poweroff -f
sleep 5
echo o >/proc/sysrq-trigger
while :; do sleep 1; done
