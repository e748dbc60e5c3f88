#!/bin/sh
# shellcheck shell=sh
# qubes-stateless-setup: replace the disk root at $NEWROOT with a root in RAM.
#
# Run (as a child process, so "exit" is safe here) by the pre-pivot hook when
# the kernel command line has rd.qubes.stateless=MODE. It never stops the
# boot: whatever goes wrong, it undoes its own work, leaves the disk root
# (read-only) at $NEWROOT and the boot continues persistent, with a visible
# message. The outcome is written to /run/qubes-stateless/status.
#
# Every parameter comes from the kernel command line (see assets/README.md),
# so this file is the same on every machine.

# shellcheck source=/dev/null # dracut's library, present in every initramfs
type getarg >/dev/null 2>&1 || . /lib/dracut-lib.sh

NEWROOT=${NEWROOT:-/sysroot}
QS_RUN=/run/qubes-stateless
QS_STATUS=$QS_RUN/status
QS_STAGE=$QS_RUN/new
# Work files of the copy (stream lists, exit codes, first error lines).
QS_COPY=$QS_RUN/copy
# sysfs; a directory of fake files in the host tests.
QS_SYS=${QS_SYS:-/sys}
QS_TAB=$(printf '\t')
QS_NL='
'

# zram compressor when rd.qubes.stateless.comp is absent (see assets/README.md
# for the benchmark behind this choice).
QS_DEFAULT_COMP=lz4
QS_DEFAULT_RESERVE_MIB=1024
# Pre-copy estimate of zram RAM per byte of root, in percent. Only decides
# whether to start; the zram mem_limit enforces the real bound.
QS_ZRAM_EST_PCT=50
# Kernel memory per tmpfs inode (inode + dentry slabs), KiB, rounded up.
QS_TMPFS_INODE_KIB=1
# Least room left for the overlay's upper layer, MiB.
QS_OVERLAY_MIN_MIB=64
# Most parallel copy streams: a chosen cap, not a measured optimum. Each
# stream is a tar reader and a tar writer, so 8 streams keep up to 16
# processes busy; beyond that the units a root splits into (its top level,
# and one level below a dominant directory: some 20-40 on a Fedora root, an
# estimate) are too few to balance more streams, and all streams read the
# same disk, whose read throughput is expected to bound the copy before more
# CPUs help (not measured beyond the benchmark VM's 2; assets/README.md).
QS_MAX_STREAMS=8
# Below this root size (MiB) the copy is one stream: a chosen threshold, not
# measured, under which measuring the tree and starting the streams are
# expected to cost more than they save.
QS_PARALLEL_MIN_MIB=512
# The QS_*_MIB/_PCT/_KIB numbers above are also the RAM model's
# (shared/ram/constants.ts); assets/boot-kit-constants.test.ts ties them.

qs_mode=
qs_result=fallback
qs_reason=
qs_message=
qs_comp=
qs_comp_level=
qs_comp_params=
qs_streams=
qs_streams_arg=
qs_plan_why=
qs_parallel_missing=
qs_cap_kib=
qs_reserve_mib=
qs_prompt_s=0
qs_prompt_answer=
qs_used_kib=
qs_used_inodes=
qs_need_kib=
qs_avail_kib=
qs_bytes=
qs_device=
qs_fstype=
qs_zram_id=
qs_ram_held=
qs_ro_mounts=
qs_ro_devices=
qs_refused=
qs_t0=
qs_seconds=

# --- small helpers --------------------------------------------------------

qs_say() {
    # Visible on the console (stderr goes to journal+console under systemd)
    # and on the plymouth splash when it runs.
    warn "qubes-stateless: $*"
    if command -v plymouth >/dev/null 2>&1 && plymouth --ping >/dev/null 2>&1; then
        plymouth display-message --text="qubes-stateless: $*" >/dev/null 2>&1
    fi
}

# Uptime in centiseconds (avoids octal surprises from leading zeros).
qs_now_cs() {
    read -r _up _rest </proc/uptime
    _s=${_up%.*}
    _f=${_up#*.}
    echo $((_s * 100 + 1$_f - 100))
}

qs_fmt_cs() {
    printf '%d.%02d' $(($1 / 100)) $(($1 % 100))
}

# Decimal without sign or leading zeros, at most 9 digits.
qs_is_uint() {
    case $1 in
        '' | *[!0-9]* | 0?*) return 1 ;;
    esac
    [ ${#1} -le 9 ]
}

qs_meminfo_kib() {
    while read -r _k _v _u; do
        if [ "$_k" = "$1:" ]; then
            echo "$_v"
            return 0
        fi
    done </proc/meminfo
    echo 0
    return 1
}

# The topmost mount at $1, from mountinfo:
# "fstype source mount-options superblock-options".
qs_mount_info() {
    _found=
    while read -r _id _parent _mm _root _mp _opts _rest; do
        [ "$_mp" = "$1" ] || continue
        # Optional fields end with a lone "-".
        _post=${_rest#*- }
        # shellcheck disable=SC2086
        set -- "$1" $_post
        _found="$2 $3 $_opts $4"
    done </proc/self/mountinfo
    [ -n "$_found" ] || return 1
    echo "$_found"
}

qs_is_mounted() {
    qs_mount_info "$1" >/dev/null
}

# Any mount strictly below $1?
qs_has_submounts() {
    while read -r _id _parent _mm _root _mp _rest; do
        case $_mp in
            "$1"/*) return 0 ;;
        esac
    done </proc/self/mountinfo
    return 1
}

qs_umount() {
    qs_is_mounted "$1" || return 0
    umount "$1" 2>/dev/null || umount -l "$1"
}

qs_have() {
    for _t in "$@"; do
        command -v "$_t" >/dev/null 2>&1 || {
            echo "$_t"
            return 1
        }
    done
    return 0
}

# --- status -------------------------------------------------------------

qs_write_status() {
    mkdir -p "$QS_RUN"
    {
        echo "version=1"
        echo "mode=$qs_mode"
        echo "result=$qs_result"
        echo "reason=$qs_reason"
        echo "comp=$qs_comp"
        echo "comp_params=$qs_comp_params"
        echo "streams=$qs_streams"
        echo "size_mib=$([ -n "$qs_cap_kib" ] && echo $((qs_cap_kib / 1024)))"
        echo "reserve_mib=$qs_reserve_mib"
        echo "prompt_seconds=$qs_prompt_s"
        echo "prompt_answer=$qs_prompt_answer"
        echo "root_used_bytes=$([ -n "$qs_used_kib" ] && echo $((qs_used_kib * 1024)))"
        echo "root_used_inodes=$qs_used_inodes"
        echo "need_mib=$([ -n "$qs_need_kib" ] && echo $((qs_need_kib / 1024)))"
        echo "mem_available_kib=$qs_avail_kib"
        echo "bytes=$qs_bytes"
        echo "seconds=$qs_seconds"
        echo "device=$qs_device"
        echo "fstype=$qs_fstype"
        echo "readonly_mounts=$qs_ro_mounts"
        echo "readonly_devices=$qs_ro_devices"
        echo "refused_tools=$qs_refused"
        if [ -n "$qs_zram_id" ] && [ -r "$QS_SYS/block/zram$qs_zram_id/mm_stat" ]; then
            read -r _o _c _m _rest <"$QS_SYS/block/zram$qs_zram_id/mm_stat"
            echo "zram_orig_bytes=$_o"
            echo "zram_compr_bytes=$_c"
            echo "zram_mem_used_bytes=$_m"
        fi
        echo "uptime_cs=$(qs_now_cs)"
        echo "message=$qs_message"
    } >"$QS_STATUS.tmp" && mv -f "$QS_STATUS.tmp" "$QS_STATUS"
}

# Record a fallback, tell the user, write the status. The caller returns.
qs_fallback() {
    qs_result=fallback
    qs_reason=$1
    shift
    qs_message=$(printf '%s' "$*" | tr '\n' ' ')
    qs_say "NOT stateless ($qs_reason): $qs_message -- booting PERSISTENT (disk root)"
    qs_write_status
}

# --- parameters -----------------------------------------------------------

qs_parse_args() {
    qs_mode=$(getarg rd.qubes.stateless=)
    case $qs_mode in
        overlay | zram | tmpfs) ;;
        *)
            qs_fallback bad-argument "rd.qubes.stateless='$qs_mode' is not overlay, zram or tmpfs"
            return 1
            ;;
    esac

    if [ "$qs_mode" = zram ]; then
        qs_comp=$(getarg rd.qubes.stateless.comp=) || qs_comp=$QS_DEFAULT_COMP
        case $qs_comp in
            lz4 | zstd | lzo-rle) ;;
            *)
                qs_fallback bad-argument "rd.qubes.stateless.comp='$qs_comp' is not lz4, zstd or lzo-rle"
                return 1
                ;;
        esac
        # zram's algorithm_params "level" (Linux 6.12+): zstd's compression
        # level, lz4's acceleration; lzo-rle has none (zram.rst, "Set
        # compression algorithm parameters").
        if _v=$(getarg rd.qubes.stateless.comp_level=); then
            if [ "$qs_comp" = lzo-rle ] || ! qs_is_uint "$_v" || [ "$_v" -lt 1 ] || [ "$_v" -gt 22 ]; then
                qs_fallback bad-argument "rd.qubes.stateless.comp_level='$_v' is not a level 1..22 of lz4 or zstd"
                return 1
            fi
            qs_comp_level=$_v
        fi
    fi

    if [ "$qs_mode" != overlay ] && _v=$(getarg rd.qubes.stateless.streams=); then
        if [ "$_v" != auto ] && { ! qs_is_uint "$_v" || [ "$_v" -lt 1 ] || [ "$_v" -gt $QS_MAX_STREAMS ]; }; then
            qs_fallback bad-argument "rd.qubes.stateless.streams='$_v' is not 1..$QS_MAX_STREAMS or auto"
            return 1
        fi
        qs_streams_arg=$_v
    fi

    if _v=$(getarg rd.qubes.stateless.size=); then
        if ! qs_is_uint "$_v" || [ "$_v" -eq 0 ]; then
            qs_fallback bad-argument "rd.qubes.stateless.size='$_v' is not a size in MiB"
            return 1
        fi
        qs_cap_kib=$((_v * 1024))
    fi

    qs_reserve_mib=$QS_DEFAULT_RESERVE_MIB
    if _v=$(getarg rd.qubes.stateless.reserve=); then
        if ! qs_is_uint "$_v"; then
            qs_fallback bad-argument "rd.qubes.stateless.reserve='$_v' is not a size in MiB"
            return 1
        fi
        qs_reserve_mib=$_v
    fi

    if _v=$(getarg rd.qubes.stateless.prompt=); then
        if ! qs_is_uint "$_v" || [ "$_v" -gt 3600 ]; then
            qs_fallback bad-argument "rd.qubes.stateless.prompt='$_v' is not 0..3600 seconds"
            return 1
        fi
        qs_prompt_s=$_v
    fi
    return 0
}

# --- checks ------------------------------------------------------------

qs_check_root() {
    if ! _info=$(qs_mount_info "$NEWROOT"); then
        qs_fallback no-root "nothing is mounted at $NEWROOT"
        return 1
    fi
    # shellcheck disable=SC2086
    set -- $_info
    qs_root_fstype=$1
    qs_root_source=$2
    qs_root_opts=$3
    qs_root_super=$4

    if qs_has_submounts "$NEWROOT"; then
        qs_fallback submounts "other filesystems are mounted below $NEWROOT"
        return 1
    fi
    # A separate /usr would be mounted from the disk later (and written to).
    if [ -r "$NEWROOT/etc/fstab" ]; then
        while read -r _dev _mp _rest; do
            case $_dev in '#'*) continue ;; esac
            if [ "$_mp" = /usr ]; then
                qs_fallback submounts "/usr is a separate filesystem, which is not supported"
                return 1
            fi
        done <"$NEWROOT/etc/fstab"
    fi

    case ",$qs_root_opts,$qs_root_super," in
        *,ro,*,ro,*) ;;
        *)
            if ! mount -o remount,ro "$NEWROOT"; then
                qs_fallback no-root "could not make the disk root read-only"
                return 1
            fi
            ;;
    esac
    return 0
}

qs_check_tools() {
    case $qs_mode in
        overlay) _tools="modprobe tar" ;;
        zram) _tools="modprobe tar stat mke2fs sync sed" ;;
        *) _tools="tar stat sync sed" ;;
    esac
    # shellcheck disable=SC2086
    if ! _missing=$(qs_have $_tools); then
        qs_fallback missing-tool "'$_missing' is not in the initramfs"
        return 1
    fi
    # Parallel copy streams need these too; without them the copy is one
    # stream (not a fallback: one stream copies the same).
    if [ "$qs_mode" != overlay ] && ! qs_parallel_missing=$(qs_have du sort find ln); then
        # Said only when streams were asked for: one stream is the default.
        [ -z "$qs_streams_arg" ] ||
            qs_say "'$qs_parallel_missing' is not in the initramfs: the copy runs as one stream"
    fi
    return 0
}

# Measure what must fit and compare with RAM (MemAvailable minus reserve)
# and with the requested cap.
qs_check_size() {
    qs_avail_kib=$(qs_meminfo_kib MemAvailable)
    _reserve_kib=$((qs_reserve_mib * 1024))
    _room_kib=$((qs_avail_kib - _reserve_kib))

    if [ "$qs_mode" = overlay ]; then
        qs_used_kib=0
        qs_used_inodes=0
        qs_need_kib=0
        if [ "$_room_kib" -lt $((QS_OVERLAY_MIN_MIB * 1024)) ]; then
            qs_fallback not-enough-ram "$((qs_avail_kib / 1024)) MiB available, reserve is $qs_reserve_mib MiB"
            return 1
        fi
        if [ -z "$qs_cap_kib" ] || [ "$qs_cap_kib" -gt "$_room_kib" ]; then
            qs_cap_kib=$_room_kib
        fi
        return 0
    fi

    # shellcheck disable=SC2046
    set -- $(stat -f -c '%S %b %f %c %d' "$NEWROOT") || {
        qs_fallback no-root "cannot stat the disk root"
        return 1
    }
    qs_used_kib=$((($2 - $3) * ($1 / 512) / 2))
    qs_used_inodes=$(($4 - $5))

    case $qs_mode in
        tmpfs)
            _fs_kib=$((qs_used_kib + 16384))
            qs_need_kib=$((qs_used_kib + qs_used_inodes * QS_TMPFS_INODE_KIB))
            ;;
        zram)
            # ext4 without journal: data, 256-byte inodes (twice what is
            # used, for the session), group metadata.
            qs_zram_inodes=$((qs_used_inodes * 2 + 65536))
            _fs_kib=$((qs_used_kib + qs_used_kib / 32 + qs_zram_inodes / 4 + 65536))
            qs_need_kib=$((qs_used_kib * QS_ZRAM_EST_PCT / 100))
            ;;
    esac

    if [ -n "$qs_cap_kib" ] && [ "$qs_cap_kib" -lt "$_fs_kib" ]; then
        qs_fallback size-too-small "rd.qubes.stateless.size=$((qs_cap_kib / 1024)) MiB, the root needs $((_fs_kib / 1024 + 1)) MiB"
        return 1
    fi
    if [ "$qs_need_kib" -gt "$_room_kib" ]; then
        qs_fallback not-enough-ram "the root needs about $((qs_need_kib / 1024)) MiB of RAM, $((qs_avail_kib / 1024)) MiB available, reserve $qs_reserve_mib MiB"
        return 1
    fi

    case $qs_mode in
        tmpfs)
            # The tmpfs may grow, but never into the reserve.
            if [ -z "$qs_cap_kib" ] || [ "$qs_cap_kib" -gt "$_room_kib" ]; then
                qs_cap_kib=$_room_kib
            fi
            if [ "$qs_cap_kib" -lt "$_fs_kib" ]; then
                qs_fallback not-enough-ram "the root needs $((_fs_kib / 1024)) MiB, $((_room_kib / 1024)) MiB usable"
                return 1
            fi
            ;;
        zram)
            # The device is thin: its size only caps the filesystem. RAM is
            # capped by mem_limit below.
            if [ -z "$qs_cap_kib" ]; then
                qs_cap_kib=$((_fs_kib + qs_used_kib / 2 + 1048576))
            fi
            qs_zram_limit_kib=$_room_kib
            ;;
    esac
    return 0
}

# --- prompt ---------------------------------------------------------------

# Ask "Boot to RAM?" for up to $qs_prompt_s seconds. Succeeds on a yes only.
# Hooks have stdin on /dev/null, so the question goes through
# systemd-ask-password (answered by its console and plymouth agents) in a
# systemd initramfs, else plymouth or the console directly.
qs_ask() {
    _q="Boot to RAM ($qs_mode)? Type y then Enter within $qs_prompt_s s, else the boot is persistent [y/N]:"
    _a=
    if [ -n "$DRACUT_SYSTEMD" ] && command -v systemd-ask-password >/dev/null 2>&1; then
        _a=$(systemd-ask-password --timeout="$qs_prompt_s" --echo=yes --id=qubes-stateless "$_q" 2>/dev/null)
    elif command -v timeout >/dev/null 2>&1; then
        if command -v plymouth >/dev/null 2>&1 && plymouth --ping >/dev/null 2>&1; then
            _a=$(timeout "$qs_prompt_s" plymouth ask-question --prompt="$_q" 2>/dev/null)
        else
            printf '%s ' "$_q" >/dev/console
            # shellcheck disable=SC2016
            _a=$(timeout "$qs_prompt_s" sh -c 'read -r a </dev/console && printf %s "$a"' 2>/dev/null)
            echo >/dev/console
        fi
    else
        qs_say "cannot ask (no timeout tool); treating as no answer"
    fi
    case $_a in
        y | Y | yes | Yes | YES)
            qs_prompt_answer=yes
            return 0
            ;;
        '') qs_prompt_answer=none ;;
        *) qs_prompt_answer=no ;;
    esac
    return 1
}

# --- building the RAM root ------------------------------------------------

# Undo everything this script set up; $NEWROOT is left as it is.
qs_cleanup() {
    qs_umount "$QS_STAGE"
    qs_umount "$QS_RUN/rw"
    if [ -n "$qs_lower_bound" ]; then
        qs_umount "$QS_RUN/lower"
    fi
    if [ -n "$qs_zram_id" ] && [ -d "$QS_SYS/block/zram$qs_zram_id" ]; then
        # reset fails (EBUSY) while the device is open, e.g. by a process
        # of the copy that outlived qs_kill_tree: its RAM stays in use.
        if echo 1 >"$QS_SYS/block/zram$qs_zram_id/reset" 2>/dev/null; then
            echo "$qs_zram_id" >"$QS_SYS/class/zram-control/hot_remove" 2>/dev/null
        else
            qs_ram_held=zram$qs_zram_id
        fi
    fi
    qs_zram_id=
    qs_device=
    qs_fstype=
    rmdir "$QS_STAGE" "$QS_RUN/rw" "$QS_RUN/lower" 2>/dev/null
    return 0
}

# Copy the disk root into $QS_STAGE: top-level dotfiles included, owners,
# modes, ACLs, xattrs (SELinux labels, capabilities), hard links, sparse
# files. tar pipelines: reading and writing run on two CPUs; 1.35x (tmpfs)
# and 1.53x (zram lz4) as fast as cp -a in the benchmark's engine run
# (assets/README.md, "Copy engines"); with rd.qubes.stateless.streams=N or
# auto, several pipelines run side by side (qs_copy_parallel). Numeric ids: the initramfs
# has no user database. A lost xattr must fail the copy, not vanish: tar
# only warns about it (with --warning=xattr-write), so any message from any
# tar counts as a failure. Sockets are skipped (stale on a root that is not
# running).

# One tar pipeline named $1, copying the tar sources "$2"... (".", or a
# name list with -T). --no-unquote: the lists hold names as they are, and
# GNU tar would read the escapes \\ \n \t \NNN in them (another name, or
# another file); every line starts with "." (qs_copy_plan), so none is read
# as an option. Exit codes go to $QS_COPY/$1.c and .x, the first messages
# to $1.err; only the first lines are kept: a tar that keeps complaining
# dies of SIGPIPE.
qs_tar_pipe() {
    _id=$1
    shift
    rm -f "$QS_COPY/$_id.c" "$QS_COPY/$_id.x"
    {
        {
            tar -C "$NEWROOT" --one-file-system --numeric-owner --xattrs --xattrs-include='*' --acls \
                --sparse --warning=no-file-ignored --no-unquote -cf - "$@" 2>&3
            echo $? >"$QS_COPY/$_id.c"
        } | {
            tar -C "$QS_STAGE" --numeric-owner --xattrs --xattrs-include='*' --acls \
                --warning=xattr-write -xpf - 2>&3
            echo $? >"$QS_COPY/$_id.x"
        }
    } 3>&1 | sed -n '1,5p;5q' >"$QS_COPY/$_id.err"
}

# Did pipeline $1 succeed? If not, qs_copy_error says why.
qs_tar_ok() {
    { read -r _rc1 <"$QS_COPY/$1.c"; } 2>/dev/null || _rc1=141
    { read -r _rc2 <"$QS_COPY/$1.x"; } 2>/dev/null || _rc2=141
    _err=
    { read -r _err <"$QS_COPY/$1.err"; } 2>/dev/null
    if [ "$_rc1" = 0 ] && [ "$_rc2" = 0 ] && [ -z "$_err" ]; then
        return 0
    fi
    qs_copy_error="tar exited with $_rc1/$_rc2: ${_err:-killed}"
    case $qs_mode:$_err in
        tmpfs:*"Operation not supported"*)
            # tmpfs keeps user.* xattrs only from Linux 6.6 on.
            qs_copy_error="$qs_copy_error (this kernel's tmpfs cannot keep an extended attribute of the root; use zram)"
            ;;
    esac
    return 1
}

# Online CPUs (sysfs "0-3,6"), at least 1.
qs_online_cpus() {
    _n=0
    if read -r _list <"$QS_SYS/devices/system/cpu/online" 2>/dev/null; then
        _ifs=$IFS
        IFS=,
        for _r in $_list; do
            _a=${_r%-*}
            _b=${_r#*-}
            if qs_is_uint "$_a" && qs_is_uint "$_b" && [ "$_b" -ge "$_a" ]; then
                _n=$((_n + _b - _a + 1))
            fi
        done
        IFS=$_ifs
    fi
    [ "$_n" -ge 1 ] || _n=1
    echo "$_n"
}

# How many copy streams: rd.qubes.stateless.streams=N; "auto": the online
# CPUs up to QS_MAX_STREAMS, one for a small root; absent: one, because two
# streams were slower than one in 4 of 5 configurations of the boot
# benchmark (assets/README.md, Benchmark). One as well without the tools.
qs_choose_streams() {
    case $qs_streams_arg in
        '') qs_streams=1 ;;
        auto)
            qs_streams=$(qs_online_cpus)
            [ "$qs_streams" -le $QS_MAX_STREAMS ] || qs_streams=$QS_MAX_STREAMS
            [ "$qs_used_kib" -ge $((QS_PARALLEL_MIN_MIB * 1024)) ] || qs_streams=1
            ;;
        *) qs_streams=$qs_streams_arg ;;
    esac
    [ -z "$qs_parallel_missing" ] || qs_streams=1
}

# The entries of directory $1 ("." or "./usr", relative to $NEWROOT) with
# their sizes from $QS_COPY/du (one du walk of two levels): "KiB<TAB>./path"
# lines. Fails on a name with a tab or a newline (the lists are line-based;
# such a root is copied as one stream), and when du's lines are not exactly
# the directory's entries; qs_plan_why then says which.
qs_copy_entries() {
    _dir=$NEWROOT${1#.}
    _nwant=0
    for _e in "$_dir"/* "$_dir"/.[!.]* "$_dir"/..?*; do
        [ -e "$_e" ] || [ -L "$_e" ] || continue
        case $_e in
            *"$QS_TAB"* | *"$QS_NL"*)
                qs_plan_why="a name in $1 has a tab or newline"
                return 1
                ;;
        esac
        _nwant=$((_nwant + 1))
    done
    _ngot=0
    qs_plan_why="du's sizes do not match the entries of $1"
    while IFS= read -r _l; do
        _s=${_l%%"$QS_TAB"*}
        _p=${_l#*"$QS_TAB"}
        case $_p in "$NEWROOT"/*) ;; *) continue ;; esac
        _rel=./${_p#"$NEWROOT"/}
        [ "${_rel%/*}" = "$1" ] || continue
        case $_s in '' | *[!0-9]*) return 1 ;; esac
        [ -e "$_p" ] || [ -L "$_p" ] || return 1
        printf '%s\t%s\n' "$_s" "$_rel"
        _ngot=$((_ngot + 1))
    done <"$QS_COPY/du"
    [ "$_ngot" = "$_nwant" ] || return 1
    qs_plan_why=
}

# Spread "KiB<TAB>name" lines (stdin) over $1 streams, biggest first, each
# to the stream with the least so far (the lowest number on a tie), so the
# same sizes always give the same streams: "stream<TAB>name" lines.
qs_balance() {
    _k=1
    while [ "$_k" -le "$1" ]; do
        eval "_load$_k=0"
        _k=$((_k + 1))
    done
    LC_ALL=C sort -t "$QS_TAB" -k1,1nr -k2 | while IFS=$QS_TAB read -r _size _name; do
        _best=1
        eval "_bl=\$_load1"
        _k=2
        while [ "$_k" -le "$1" ]; do
            eval "_l=\$_load$_k"
            if [ "$_l" -lt "$_bl" ]; then
                _best=$_k
                _bl=$_l
            fi
            _k=$((_k + 1))
        done
        eval "_load$_best=$((_bl + _size))"
        printf '%s\t%s\n' "$_best" "$_name"
    done
}

# Plan a copy in $1 streams: $QS_COPY/stream.N (the names each copies),
# final (directories whose own attributes are copied last, without their
# contents: the root and any split directory, written into by several
# streams) and relink (hard links between streams). Sets qs_streams to the
# streams used. Fails when the root cannot be split (then: one stream), and
# qs_plan_why says why.
#
# Units are the root's entries; a directory bigger than a stream's share
# is split into its own entries. A hard-link group may span streams: each
# stream then copies its members as files, and they are linked again after
# the copy (qs_copy_relink). Keeping every group in one stream instead
# would tie together the units it spans (git's /usr/bin and
# /usr/libexec/git-core, say), which can undo the balance; the groups that
# span streams are expected to be few and small (not measured on a dom0
# root).
qs_copy_plan() {
    _want=$1
    # -l: a hard-linked file counts in each unit that has it (each stream
    # copies its members), so the sizes are what each unit copies.
    qs_plan_why=
    if ! du -xalk -d 2 "$NEWROOT" >"$QS_COPY/du"; then
        qs_plan_why="du failed"
        return 1
    fi
    qs_copy_entries . >"$QS_COPY/units" || return 1
    _total=0
    _big=
    _bigs=0
    while IFS=$QS_TAB read -r _s _n; do
        _total=$((_total + _s))
        if [ "$_s" -gt "$_bigs" ]; then
            _bigs=$_s
            _big=$_n
        fi
    done <"$QS_COPY/units"
    : >"$QS_COPY/final"
    if [ -n "$_big" ] && [ -d "$NEWROOT/${_big#./}" ] && [ ! -L "$NEWROOT/${_big#./}" ] \
        && [ $((_bigs * _want)) -gt "$_total" ]; then
        while IFS= read -r _l; do
            [ "${_l#*"$QS_TAB"}" = "$_big" ] || printf '%s\n' "$_l"
        done <"$QS_COPY/units" >"$QS_COPY/units.new"
        qs_copy_entries "$_big" >>"$QS_COPY/units.new" || return 1
        mv -f "$QS_COPY/units.new" "$QS_COPY/units"
        printf '%s\n' "$_big" >>"$QS_COPY/final"
        if ! mkdir -p "$QS_STAGE/${_big#./}"; then
            qs_plan_why="mkdir of ${_big#./} in the RAM root failed"
            return 1
        fi
    fi
    printf '.\n' >>"$QS_COPY/final"
    qs_balance "$_want" <"$QS_COPY/units" >"$QS_COPY/assign" || return 1
    rm -f "$QS_COPY"/stream.*
    qs_streams=0
    while IFS=$QS_TAB read -r _i _n; do
        printf '%s\n' "$_n" >>"$QS_COPY/stream.$_i"
        [ "$_i" -le "$qs_streams" ] || qs_streams=$_i
    done <"$QS_COPY/assign"
    if [ "$qs_streams" -lt 1 ]; then
        qs_plan_why="no units to spread (an empty root, or sort failed)"
        return 1
    fi

    # Hard-link groups: "inode<TAB>stream<TAB>path" of every multiply
    # linked non-directory, grouped by inode.
    : >"$QS_COPY/links"
    _i=1
    while [ "$_i" -le "$qs_streams" ]; do
        set --
        while IFS= read -r _n; do
            set -- "$@" "$_n"
        done <"$QS_COPY/stream.$_i"
        # A path with a tab or newline would break the list: "odd", then one
        # stream.
        (cd "$NEWROOT" && find "$@" -xdev ! -type d -links +1 \
            \( \( -path "*$QS_TAB*" -o -path "*$QS_NL*" \) -printf 'odd\n' -quit \
            -o -printf "%i\t$_i\t%p\n" \)) >>"$QS_COPY/links" || {
            qs_plan_why="find failed (one without -printf?)"
            return 1
        }
        _i=$((_i + 1))
    done
    : >"$QS_COPY/relink"
    _prev=
    if ! LC_ALL=C sort -t "$QS_TAB" -k1,1n -k2,2n -k3 "$QS_COPY/links" >"$QS_COPY/links.sorted"; then
        qs_plan_why="sort failed"
        return 1
    fi
    while IFS=$QS_TAB read -r _ino _s _p; do
        case $_ino in
            odd)
                qs_plan_why="a hard-linked file's path has a tab or newline"
                return 1
                ;;
            '' | *[!0-9]*)
                qs_plan_why="find printed no inode numbers"
                return 1
                ;;
        esac
        if [ "$_ino" != "$_prev" ]; then
            _prev=$_ino
            _fs=$_s
            _fp=$_p
        elif [ "$_s" != "$_fs" ]; then
            printf '%s\t%s\n' "$_fp" "$_p" >>"$QS_COPY/relink"
            printf '%s\n' "${_p%/*}" >>"$QS_COPY/final"
        fi
    done <"$QS_COPY/links.sorted"
    return 0
}

# Stop the processes $@ and all their descendants (a failed copy leaves no
# tar behind). The tree is read from /proc, and every process found in it
# stays in it: once a parent dies its children move to init and can no
# longer be found through it, so they are kept from the round that found
# them, and all of them must be dead before this returns. TERM first, KILL
# from the sixth round (a tar that ignores TERM, or is slow to die). Fails
# when one is still alive after 5 s (a tar stuck in D state): the caller
# then cannot release the RAM. A zombie (Z, X) counts as dead: it is only
# not reaped yet. A dead PID kept in the tree is not expected to be reused
# within the 5 s: the kernel hands out PIDs in order up to pid_max before
# it wraps, and an initramfs starts few processes.
qs_kill_tree() {
    _tree=" $* "
    _round=0
    while [ "$_round" -lt 50 ]; do
        # "pid ppid state" of every process.
        _procs=$(for _f in /proc/[0-9]*/stat; do
            { read -r _st <"$_f"; } 2>/dev/null || continue
            _pid=${_st%% *}
            _st=${_st##*) }
            # shellcheck disable=SC2086
            set -- $_st
            echo "$_pid $2 $1"
        done)
        _grew=1
        while [ -n "$_grew" ]; do
            _grew=
            while read -r _pid _pp _state; do
                case $_tree in *" $_pp "*) ;; *) continue ;; esac
                case $_tree in *" $_pid "*) continue ;; esac
                _tree="$_tree$_pid "
                _grew=1
            done <<EOT
$_procs
EOT
        done
        _alive=
        while read -r _pid _pp _state; do
            case $_state in Z | X) continue ;; esac
            case $_tree in *" $_pid "*) _alive="$_alive $_pid" ;; esac
        done <<EOT
$_procs
EOT
        [ -n "$_alive" ] || return 0
        if [ "$_round" -lt 5 ]; then
            # shellcheck disable=SC2086
            kill $_alive 2>/dev/null
        else
            # shellcheck disable=SC2086
            kill -KILL $_alive 2>/dev/null
        fi
        sleep 0.1
        _round=$((_round + 1))
    done
    return 1
}

# Run the planned streams side by side. A stream that fails signals this
# shell (USR1), which then stops the others: the copy fails as a whole. It
# signals again every 0.1 s until it is stopped: a signal that arrives
# between the loop's test and its wait is handled, but that wait would not
# return before its stream ends; the next signal ends it.
qs_copy_parallel() {
    rm -rf "$QS_COPY/failed"
    qs_copy_stop=
    trap 'qs_copy_stop=1' USR1
    _pids=
    _i=1
    while [ "$_i" -le "$qs_streams" ]; do
        (
            trap - USR1
            qs_tar_pipe "s$_i" -T "$QS_COPY/stream.$_i"
            if ! qs_tar_ok "s$_i" && mkdir "$QS_COPY/failed" 2>/dev/null; then
                # Renamed into place: "first" is never seen half written.
                echo "s$_i" >"$QS_COPY/failed/first.new"
                mv -f "$QS_COPY/failed/first.new" "$QS_COPY/failed/first"
                _n=0
                while [ "$_n" -lt 300 ] && kill -USR1 $$ 2>/dev/null; do
                    sleep 0.1
                    _n=$((_n + 1))
                done
            fi
            exit 0
        ) &
        _pids="$_pids $!"
        _i=$((_i + 1))
    done
    for _pid in $_pids; do
        # wait returns early (status > 128) when the trap fires.
        if [ -n "$qs_copy_stop" ] || [ -e "$QS_COPY/failed/first" ]; then
            break
        fi
        wait "$_pid"
    done
    [ ! -e "$QS_COPY/failed/first" ] || qs_copy_stop=1
    # The failed stream's further signals, until it is stopped, change
    # nothing now (and interrupt no wait below).
    trap '' USR1
    _stuck=
    if [ -n "$qs_copy_stop" ]; then
        # shellcheck disable=SC2086
        qs_kill_tree $_pids || _stuck="; a copy process could not be stopped"
    fi
    # After these waits no stream is left to send a signal.
    for _pid in $_pids; do
        wait "$_pid" 2>/dev/null
    done
    trap - USR1
    _first=
    { read -r _first <"$QS_COPY/failed/first"; } 2>/dev/null
    if [ -n "$_first" ]; then
        qs_tar_ok "$_first"
        qs_copy_error="$qs_copy_error (stream ${_first#s} of $qs_streams)$_stuck"
        return 1
    fi
    _i=1
    while [ "$_i" -le "$qs_streams" ]; do
        qs_tar_ok "s$_i" || return 1
        _i=$((_i + 1))
    done
    return 0
}

# Link the members of hard-link groups that spanned streams again (each
# stream copied its members as files of their own), then give the root, the
# split directories and the relinked files' directories their attributes
# and times, which the streams' writes changed.
qs_copy_relink() {
    while IFS=$QS_TAB read -r _f _m; do
        if ! _e=$(ln -fP -- "$QS_STAGE/${_f#./}" "$QS_STAGE/${_m#./}" 2>&1); then
            qs_copy_error="relinking $_m failed: $_e"
            return 1
        fi
    done <"$QS_COPY/relink"
    LC_ALL=C sort -u "$QS_COPY/final" >"$QS_COPY/final.sorted" || return 1
    qs_tar_pipe final --no-recursion -T "$QS_COPY/final.sorted"
    qs_tar_ok final
}

# The copy in one stream or in the planned streams, work files in $QS_COPY.
qs_copy_tree() {
    if [ "${qs_streams:-1}" -gt 1 ] && ! qs_copy_plan "$qs_streams"; then
        qs_say "the root cannot be split into copy streams (${qs_plan_why:-the plan failed}): copying in one stream"
        qs_streams=1
    fi
    if [ "${qs_streams:-1}" -le 1 ]; then
        qs_streams=1
        qs_tar_pipe one .
        qs_tar_ok one || return 1
    else
        qs_copy_parallel || return 1
        # Relinking frees the extra copies: on zram their blocks must be
        # discarded to give the RAM back, so discard is on from here.
        if [ -n "$qs_zram_id" ] && [ -s "$QS_COPY/relink" ]; then
            mount -o remount,discard "$QS_STAGE" 2>/dev/null
        fi
        qs_copy_relink || return 1
    fi
    return 0
}

qs_copy() {
    rm -rf "$QS_COPY"
    if ! mkdir -p "$QS_COPY"; then
        qs_copy_error="cannot make $QS_COPY"
        return 1
    fi
    qs_copy_tree
    _copy_rc=$?
    # Whatever the outcome: after a fallback the boot goes on with this /run.
    rm -rf "$QS_COPY"
    [ "$_copy_rc" = 0 ] || return 1
    # tar only saw the page cache: zram write errors (e.g. its mem_limit) show
    # up at writeback. syncfs reports them; zram counts them as well.
    if ! sync -f "$QS_STAGE/" 2>/dev/null; then
        qs_copy_error="writing the copy out failed"
        return 1
    fi
    if [ -n "$qs_zram_id" ]; then
        read -r _fr _fw _rest <"$QS_SYS/block/zram$qs_zram_id/io_stat"
        if [ "${_fw:-1}" != 0 ]; then
            qs_copy_error="zram rejected $_fw writes (RAM limit reached?)"
            return 1
        fi
    fi
    return 0
}

qs_make_tmpfs() {
    _inodes=$((qs_used_inodes * 2 + 262144))
    if ! mount -t tmpfs -o "mode=0755,size=${qs_cap_kib}k,nr_inodes=$_inodes" qubes-stateless "$QS_STAGE"; then
        qs_fallback mount-failed "could not mount a tmpfs of $((qs_cap_kib / 1024)) MiB"
        return 1
    fi
    qs_device=tmpfs
    qs_fstype=tmpfs
    return 0
}

# Write $2 to the sysfs file $1 (one place, so the host tests can log the
# order of the writes).
qs_sysfs_write() {
    echo "$2" >"$1" 2>/dev/null
}

# Set up the hot-added zram device $1 (its sysfs directory) before its
# disksize: compressor, its parameters where the kernel has them, RAM limit.
qs_zram_configure() {
    if ! qs_sysfs_write "$1/comp_algorithm" "$qs_comp"; then
        qs_cleanup
        qs_fallback comp-unavailable "the kernel refused zram compressor '$qs_comp'"
        return 1
    fi
    # algorithm_params (Linux 6.12+; Documentation/admin-guide/blockdev/zram.rst,
    # "Set compression algorithm parameters", between choosing the algorithm
    # and setting disksize): "algo=NAME level=N". drivers/block/zram/
    # zram_drv.c algorithm_params_store finds the priority by the name set in
    # comp_algorithm (so that comes first); disksize builds the compressor
    # with it (backend_zstd.c: no level = zstd_default_clevel()). Debian's
    # 6.12.95+deb12 zram.ko.xz has the attribute, 6.1.0-57's zram.ko has not
    # (xz -dc | strings, checked 2026-12-01): on 6.1 the level is not
    # applied, and the boot says so.
    if [ -n "$qs_comp_level" ]; then
        if [ -e "$1/algorithm_params" ]; then
            if ! qs_sysfs_write "$1/algorithm_params" "algo=$qs_comp level=$qs_comp_level"; then
                qs_cleanup
                qs_fallback comp-unavailable "the kernel refused zram parameters 'level=$qs_comp_level' for '$qs_comp'"
                return 1
            fi
            qs_comp_params="level=$qs_comp_level"
        else
            qs_say "this kernel's zram has no algorithm_params (before Linux 6.12): rd.qubes.stateless.comp_level is not applied"
        fi
    fi
    if ! qs_sysfs_write "$1/mem_limit" "${qs_zram_limit_kib}K" \
        || ! qs_sysfs_write "$1/disksize" "${qs_cap_kib}K"; then
        qs_cleanup
        qs_fallback zram-unavailable "cannot size $qs_device"
        return 1
    fi
    return 0
}

qs_make_zram() {
    if [ ! -e "$QS_SYS"/class/zram-control/hot_add ]; then
        modprobe zram >/dev/null 2>&1
    fi
    # Never assume a free zram0 (Qubes 4.3 uses it for swap): add our own.
    if ! qs_zram_id=$(cat "$QS_SYS"/class/zram-control/hot_add 2>/dev/null) || ! qs_is_uint "$qs_zram_id"; then
        qs_zram_id=
        qs_fallback zram-unavailable "cannot add a zram device (is the zram module in the initramfs?)"
        return 1
    fi
    _sys=$QS_SYS/block/zram$qs_zram_id
    _dev=/dev/zram$qs_zram_id
    qs_device=zram$qs_zram_id

    qs_zram_configure "$_sys" || return 1
    # Let udev finish with the resized device before formatting it.
    if command -v udevadm >/dev/null 2>&1; then
        udevadm settle --timeout=10 >/dev/null 2>&1
    fi
    _i=0
    while [ ! -b "$_dev" ] && [ $_i -lt 50 ]; do
        sleep 0.1
        _i=$((_i + 1))
    done
    # No journal (nothing survives anyway), no reserved blocks; inode tables
    # are left to the kernel (unwritten zram pages read as zeros).
    if ! mke2fs -q -F -t ext4 -O ^has_journal -m 0 -b 4096 -I 256 \
        -N "$qs_zram_inodes" -E lazy_itable_init=1,nodiscard \
        -L qubes-stateless "$_dev" >/dev/null 2>&1; then
        qs_cleanup
        qs_fallback mkfs-failed "mke2fs failed on $_dev"
        return 1
    fi
    # No "discard" during the copy: ext4 would discard every file's unused
    # preallocation on close, which nearly doubled the copy time in the
    # benchmark. It is switched on after the copy (deleted files then give
    # their RAM back).
    if ! mount -t ext4 -o noinit_itable "$_dev" "$QS_STAGE"; then
        qs_cleanup
        qs_fallback mount-failed "could not mount $_dev"
        return 1
    fi
    qs_fstype=ext4
    return 0
}

qs_make_overlay() {
    modprobe overlay >/dev/null 2>&1
    mkdir -p "$QS_RUN/lower" "$QS_RUN/rw"
    # The disk root stays reachable as the lower layer; the disk mount at
    # $NEWROOT is read-only already, the bind is made read-only as well.
    if ! mount --bind "$NEWROOT" "$QS_RUN/lower"; then
        qs_cleanup
        qs_fallback mount-failed "could not bind the disk root"
        return 1
    fi
    qs_lower_bound=1
    mount -o remount,bind,ro "$QS_RUN/lower" 2>/dev/null
    # Its own tmpfs for the upper layer: /run is capped at 20% of RAM.
    if ! mount -t tmpfs -o "mode=0755,size=${qs_cap_kib}k" qubes-stateless-rw "$QS_RUN/rw" \
        || ! mkdir "$QS_RUN/rw/upper" "$QS_RUN/rw/work"; then
        qs_cleanup
        qs_fallback mount-failed "could not mount the upper tmpfs"
        return 1
    fi
    # The merged root directory shows the upper directory's owner, mode and
    # xattrs (SELinux label): give it those of the disk root.
    if ! (cd "$QS_RUN/lower" && tar --numeric-owner --xattrs --xattrs-include='*' --acls \
        --no-recursion -cf - .) | (cd "$QS_RUN/rw/upper" && tar --numeric-owner \
        --xattrs --xattrs-include='*' --acls -xpf -); then
        qs_cleanup
        qs_fallback mount-failed "could not copy the root directory's attributes"
        return 1
    fi
    if ! mount -t overlay -o "lowerdir=$QS_RUN/lower,upperdir=$QS_RUN/rw/upper,workdir=$QS_RUN/rw/work" \
        qubes-stateless "$QS_STAGE"; then
        qs_cleanup
        qs_fallback mount-failed "could not mount the overlay"
        return 1
    fi
    qs_device=overlay
    qs_fstype=overlay
    return 0
}

# Put the prepared root at $NEWROOT. For the copy modes the disk is no
# longer mounted afterwards; for overlay it stays as the read-only lower.
qs_switch() {
    if ! umount "$NEWROOT" 2>/dev/null; then
        if [ "$qs_mode" = overlay ] || ! umount -l "$NEWROOT"; then
            qs_cleanup
            qs_fallback switch-failed "the disk root at $NEWROOT is busy"
            return 1
        fi
    fi
    if mount --bind "$QS_STAGE" "$NEWROOT"; then
        qs_umount "$QS_STAGE"
        rmdir "$QS_STAGE" 2>/dev/null
        return 0
    fi
    # Put the disk root back before giving up.
    if [ "$qs_mode" = overlay ]; then
        mount --bind "$QS_RUN/lower" "$NEWROOT"
    else
        mount -o ro -t "$qs_root_fstype" "$qs_root_source" "$NEWROOT"
    fi
    qs_cleanup
    qs_fallback switch-failed "could not mount the RAM root at $NEWROOT"
    return 1
}

# --- keeping the session off the disk ---------------------------------

# Is the fstab entry (spec $1, type $2, options $3) a filesystem on a disk?
qs_is_disk_fs() {
    case $1 in
        /dev/* | UUID=* | LABEL=* | PARTUUID=* | PARTLABEL=* | ID=*) ;;
        *) return 1 ;;
    esac
    case $2 in
        swap | tmpfs | ramfs | proc | sysfs | devpts | devtmpfs | none | overlay | nfs | nfs4 | cifs | smb3 | 9p | virtiofs | fuse*) return 1 ;;
    esac
    case ,$3, in
        *,bind,* | *,rbind,*) return 1 ;;
    esac
    return 0
}

# The block device an fstab spec names, through udev's links.
qs_spec_device() {
    case $1 in
        UUID=*) echo "/dev/disk/by-uuid/${1#UUID=}" ;;
        LABEL=*) echo "/dev/disk/by-label/${1#LABEL=}" ;;
        PARTUUID=*) echo "/dev/disk/by-partuuid/${1#PARTUUID=}" ;;
        PARTLABEL=*) echo "/dev/disk/by-partlabel/${1#PARTLABEL=}" ;;
        ID=*) echo "/dev/disk/by-id/${1#ID=}" ;;
        *) echo "$1" ;;
    esac
}

# Make a block device read-only in the kernel: then no mount, journal
# replay or stray write can change it until the next boot.
qs_setro() {
    _d=$(qs_spec_device "$1")
    [ -b "$_d" ] || return 0
    if command -v blockdev >/dev/null 2>&1 && blockdev --setro "$_d" 2>/dev/null; then
        qs_ro_devices="${qs_ro_devices:+$qs_ro_devices }$_d"
    else
        qs_say "could not make $_d read-only in the kernel (its fstab entry is read-only)"
    fi
}

# Rewrite the RAM copy of /etc/fstab (the disk's copy is not touched):
#   - swap: commented out (no disk swap);
#   - /: kept, without fsck (pass 0);
#   - qube storage (/var/lib/qubes and below): kept writable, without fsck;
#   - every other disk filesystem (/boot, /boot/efi, ...): read-only, without
#     fsck, and on ext3/ext4 "noload" (a read-only ext4 mount still replays a
#     dirty journal, i.e. writes), xfs "norecovery", btrfs no log replay; its
#     device is also made read-only in the kernel.
# The original of each changed line stays above it, commented out.
qs_fstab_off_disk() {
    _fstab=$NEWROOT/etc/fstab
    [ -f "$_fstab" ] || return 0
    while IFS= read -r _line || [ -n "$_line" ]; do
        set -f
        # shellcheck disable=SC2086
        set -- $_line
        set +f
        case $1 in
            '' | '#'*)
                printf '%s\n' "$_line"
                continue
                ;;
        esac
        if [ $# -lt 3 ]; then
            printf '%s\n' "$_line"
            continue
        fi
        _spec=$1
        _mp=$2
        _type=$3
        _opts=${4:-defaults}
        _freq=${5:-0}
        _pass=${6:-0}
        if [ "$_type" = swap ]; then
            printf '#qubes-stateless# %s\n' "$_line"
            continue
        fi
        if [ "$_mp" = / ]; then
            if [ "$_pass" = 0 ]; then
                printf '%s\n' "$_line"
            else
                printf '#qubes-stateless# %s\n%s %s %s %s %s 0\n' "$_line" "$_spec" "$_mp" "$_type" "$_opts" "$_freq"
            fi
            continue
        fi
        if ! qs_is_disk_fs "$_spec" "$_type" "$_opts"; then
            printf '%s\n' "$_line"
            continue
        fi
        # Qube storage (the plain layout's own XFS at /var/lib/qubes): qubes on
        # disk pools write to the disk in a session too (see assets/README.md),
        # and read-only it would stop them all. Not checked, though.
        case $_mp in
            /var/lib/qubes | /var/lib/qubes/*)
                if [ "$_pass" = 0 ]; then
                    printf '%s\n' "$_line"
                else
                    printf '#qubes-stateless# %s\n%s %s %s %s %s 0\n' "$_line" "$_spec" "$_mp" "$_type" "$_opts" "$_freq"
                fi
                continue
                ;;
        esac
        case $_type in
            ext3 | ext4) _ro=ro,noload ;;
            xfs) _ro=ro,norecovery ;;
            btrfs) _ro=ro,rescue=nologreplay ;;
            *) _ro=ro ;;
        esac
        # The last of rw/ro wins, so appending is enough.
        printf '#qubes-stateless# %s\n%s %s %s %s,%s %s 0\n' "$_line" "$_spec" "$_mp" "$_type" "$_opts" "$_ro" "$_freq"
        qs_ro_mounts="${qs_ro_mounts:+$qs_ro_mounts }$_mp"
        qs_setro "$_spec"
    done <"$_fstab" >"$_fstab.qubes-stateless" || return 1
    mv -f "$_fstab.qubes-stateless" "$_fstab"
}

# A runtime drop-in (under /run: this boot only).
qs_dropin() {
    mkdir -p "/run/systemd/system/$1.d" && cat >"/run/systemd/system/$1.d/90-qubes-stateless.conf"
}

# Mask a unit for this boot only: a /run link to /dev/null.
qs_mask() {
    mkdir -p "/run/systemd/$1" && ln -sfn /dev/null "/run/systemd/$1/$2"
}

# Swap the update tools of the RAM root for the refusal script. The RAM root
# is forgotten at shutdown, so this needs no undo. Replacing the programs
# themselves (not a plugin or a config) works for dnf4 (4.2) and dnf5 (4.3)
# alike, and for sudo, whose secure_path skips /usr/local.
qs_refuse_updates() {
    _tool=/usr/libexec/qubes-stateless/refuse-update
    if [ ! -x "$_tool" ]; then
        qs_say "the update refusal is missing from the initramfs; dom0 updates are NOT blocked in this session"
        return 0
    fi
    # qubes-dom0-update: /usr/bin (core-admin-linux rpm_spec/core-dom0-linux.spec.in, release4.2 and 4.3);
    # it calls "dnf" by name, which is dnf-3 on 4.2 and dnf5 on 4.3.
    for _p in qubes-dom0-update dnf dnf-3 dnf4 dnf5 yum microdnf; do
        _f=$NEWROOT/usr/bin/$_p
        if [ -e "$_f" ] || [ -L "$_f" ]; then
            if rm -f "$_f" && cp "$_tool" "$_f" && chmod 0755 "$_f"; then
                qs_refused="${qs_refused:+$qs_refused }$_p"
            else
                qs_say "could not replace /usr/bin/$_p; it is NOT blocked in this session"
            fi
        fi
    done
}

# In the RAM session nothing of dom0's may reach the disk. All of it is
# runtime state (under /run) or edits of the RAM copy of the root.
qs_session_settings() {
    mkdir -p /run/systemd/journald.conf.d
    {
        echo "# qubes-stateless: this boot's root is in RAM; keep the journal in RAM, capped."
        echo "[Journal]"
        echo "Storage=volatile"
        echo "RuntimeMaxUse=64M"
    } >/run/systemd/journald.conf.d/90-qubes-stateless.conf

    # fstab's options for the disk root are not the RAM root's, in every mode:
    # a tmpfs refuses ext4's ("discard"), util-linux cannot reconfigure an
    # overlay with them, and the zram ext4 refuses btrfs' ("subvol=") on a
    # btrfs layout: systemd-remount-fs would fail. / is already writable.
    qs_dropin systemd-remount-fs.service <<'EOT'
# qubes-stateless: / is in RAM this boot; the disk root's fstab options do not apply.
[Unit]
ConditionPathIsReadWrite=!/
EOT
    # No fsck after switch-root either (the initramfs has its own drop-ins).
    for _u in systemd-fsck-root.service systemd-fsck@.service; do
        qs_dropin "$_u" <<'EOT'
# qubes-stateless: a stateless session checks no disk filesystem (fsck writes).
[Unit]
ConditionKernelCommandLine=!rd.qubes.stateless
EOT
    done
    # Fedora's grub2 (qubes-grub2 grub2.spec.in, release4.2 and main): the
    # user timer grub-boot-success.timer runs "grub2-set-bootflag boot_success",
    # grub2-systemd-integration.service (reboot.target) and
    # grub-boot-indeterminate.service (system-update.target) run grub2-editenv:
    # all write grubenv on the disk.
    qs_mask user grub-boot-success.timer
    qs_mask user grub-boot-success.service
    qs_mask system grub2-systemd-integration.service
    qs_mask system grub-boot-indeterminate.service

    qs_fstab_off_disk || qs_say "could not rewrite the RAM copy of /etc/fstab"
    # The disk root itself: read-only in the kernel too (overlay keeps it as
    # its read-only lower layer; the copy modes no longer mount it).
    if [ -n "$qs_root_source" ]; then
        qs_setro "$qs_root_source"
    fi
    qs_refuse_updates
}

qs_main() {
    if [ -e "$QS_STATUS" ]; then
        return 0
    fi
    mkdir -p "$QS_RUN"
    qs_parse_args || return 0
    qs_check_root || return 0
    qs_check_tools || return 0
    qs_check_size || return 0

    if [ "$qs_prompt_s" -gt 0 ]; then
        if ! qs_ask; then
            if [ "$qs_prompt_answer" = none ]; then
                qs_fallback no-answer "no answer to the prompt"
            else
                qs_fallback declined "declined at the prompt"
            fi
            return 0
        fi
    fi

    if [ "$qs_mode" != overlay ]; then
        qs_choose_streams
    fi
    qs_t0=$(qs_now_cs)
    mkdir -p "$QS_STAGE"
    case $qs_mode in
        overlay)
            qs_say "starting a stateless session: overlay (disk root read-only, changes in RAM)"
            qs_make_overlay || return 0
            ;;
        zram)
            qs_say "copying the root ($((qs_used_kib / 1024)) MiB) to RAM (zram, $qs_comp${qs_comp_level:+, level $qs_comp_level asked}, copy streams: $qs_streams)..."
            qs_make_zram || return 0
            ;;
        tmpfs)
            qs_say "copying the root ($((qs_used_kib / 1024)) MiB) to RAM (tmpfs, copy streams: $qs_streams)..."
            qs_make_tmpfs || return 0
            ;;
    esac

    if [ "$qs_mode" != overlay ]; then
        qs_copy_error=
        if ! qs_copy; then
            qs_cleanup
            if [ -n "$qs_ram_held" ]; then
                qs_fallback copy-failed "copy to RAM failed ($qs_copy_error); $qs_ram_held is still in use, its RAM is NOT released"
            else
                qs_fallback copy-failed "copy to RAM failed ($qs_copy_error); RAM released"
            fi
            return 0
        fi
        if [ "$qs_mode" = zram ]; then
            mount -o remount,discard "$QS_STAGE" 2>/dev/null
        fi
        # shellcheck disable=SC2046
        set -- $(stat -f -c '%S %b %f' "$QS_STAGE")
        qs_bytes=$((($2 - $3) * $1))
    else
        qs_bytes=0
    fi

    qs_switch || return 0
    qs_session_settings
    qs_seconds=$(qs_fmt_cs $(($(qs_now_cs) - qs_t0)))
    qs_result=active
    qs_reason=ok
    qs_message="root in RAM ($qs_mode)"
    qs_write_status
    qs_say "stateless session active: root in RAM ($qs_mode${qs_comp:+, $qs_comp}), set up in ${qs_seconds}s." \
        "dom0's changes stay in RAM and are forgotten at shutdown; the disk root${qs_ro_mounts:+ and $qs_ro_mounts} read-only," \
        "no fsck, no disk swap, dom0 updates refused. Still written to the disk: qubes stored on disk (vm-pool)" \
        "and their LVM metadata; changing or removing such a qube is permanent."
    return 0
}

qs_main
