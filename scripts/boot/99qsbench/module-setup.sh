#!/bin/bash
# shellcheck shell=bash
# shellcheck disable=SC2154 # moddir is set by dracut
# Benchmark-only dracut module (never installed into dom0): the forum recipe
# as a baseline, copy-engine timings and the guest's read/compression
# limits, selected by qsbench.* words.
check() { return 255; }
depends() { echo base; }
installkernel() { hostonly='' instmods zram ext4 lz4 lz4_compress; }
install() {
    inst_multiple cp tar mke2fs sync stat rsync cat lz4 zstd sed
    inst_hook pre-pivot 04 "$moddir/qsbench-pre-pivot.sh"
}
