#!/bin/bash
# shellcheck shell=bash
# shellcheck disable=SC2154 # moddir is set by dracut
# Test-only dracut module: turns the initramfs into a provisioning VM that
# writes the LUKS2 -> LVM (qubes_dom0) part of the Qubes-layout test disk,
# which the host cannot do itself (its kernel has no device-mapper).
check() {
    return 255
}

depends() {
    echo dm
    return 0
}

installkernel() {
    hostonly='' instmods dm_crypt dm_thin_pool dm_persistent_data dm_bufio
}

install() {
    inst_multiple cryptsetup lvm mkswap dd sync thin_check
    inst_hook pre-mount 10 "$moddir/qs-provision.sh"
}
