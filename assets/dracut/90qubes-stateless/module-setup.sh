#!/bin/bash
# shellcheck shell=bash
# shellcheck disable=SC2154 # moddir, initdir and the *dir paths are set by dracut
# dracut module "qubes-stateless": optionally boot the dom0 root from RAM
# (overlay, zram or tmpfs), chosen per boot by rd.qubes.stateless=MODE on the
# kernel command line. Without that word the boot is the normal one.
#
# dracut sources this file; it never runs on its own.

# Only included when asked for (dracut.conf.d snippet or --add): a module
# that returned 0 would land in every initramfs regenerated on the machine.
check() {
    return 255
}

depends() {
    echo base
    return 0
}

installkernel() {
    # Forced in even for hostonly builds: nothing uses them at build time.
    # The compressors are crypto modules on kernels where they are not
    # built in; missing ones are skipped (instmods is optional without -c).
    hostonly='' instmods zram overlay ext4 lz4 lz4_compress zstd zstd_compress lzo lzo-rle
}

install() {
    # Tools of our own in the initramfs: never run the real root's binaries.
    # All optional: a missing tool must never fail the initramfs build (that
    # would break kernel updates); the setup script checks for what it needs
    # and boots persistent when something is missing.
    # du, sort, find and ln: the parallel copy streams (without them: one stream).
    inst_multiple -o cp stat sync mke2fs cat tar timeout rmdir blockdev ln chmod du sort find

    inst_script "$moddir/qubes-stateless-setup.sh" /usr/sbin/qubes-stateless-setup
    # Copied over the update tools of the RAM root in a session (see there).
    inst_script "$moddir/qubes-stateless-refuse-update.sh" /usr/libexec/qubes-stateless/refuse-update
    inst_hook cmdline 95 "$moddir/qubes-stateless-cmdline.sh"
    # Early in pre-pivot: later hooks (SELinux policy load, usrmount, ...)
    # must already see the root we hand over.
    inst_hook pre-pivot 05 "$moddir/qubes-stateless-pre-pivot.sh"

    if dracut_module_included "systemd"; then
        # Keep systemd-fsck away from the disk when the flag is present, so
        # a stateless boot leaves the disk bit-identical. Both unit names:
        # which one checks /sysroot depends on the systemd version.
        inst_simple "$moddir/fsck-stateless.conf" \
            "$systemdsystemconfdir/systemd-fsck-root.service.d/90-qubes-stateless.conf"
        inst_simple "$moddir/fsck-stateless.conf" \
            "$systemdsystemconfdir/systemd-fsck@.service.d/90-qubes-stateless.conf"

        # The optional prompt goes through systemd-ask-password: its console
        # agent (and the plymouth agent when plymouth is in) answer it.
        inst_multiple -o \
            "$systemdsystemunitdir"/systemd-ask-password-console.path \
            "$systemdsystemunitdir"/systemd-ask-password-console.service \
            "$systemdsystemunitdir"/sysinit.target.wants/systemd-ask-password-console.path \
            systemd-ask-password systemd-tty-ask-password-agent
        if dracut_module_included "plymouth"; then
            inst_multiple -o \
                "$systemdsystemunitdir"/systemd-ask-password-plymouth.path \
                "$systemdsystemunitdir"/systemd-ask-password-plymouth.service \
                "$systemdsystemunitdir"/sysinit.target.wants/systemd-ask-password-plymouth.path
        fi
    fi
}
