/**
 * The stock /etc/grub.d scripts of the simulated dom0. The simulator's grub2-mkconfig runs them, and our own
 * installed 21_qubes_stateless beside them, with /bin/sh (boot-render.ts), so what the app installs is the
 * real asset, run for real, against these.
 *
 * Qubes' 20_linux_xen (QubesOS/qubes-grub2 release4.2: GRUB 2.06 with Fedora's patches plus Qubes' own, 0061
 * btrfs, 0071 multiboot2 modules, 1000 XSM policy; its main branch, there is no release4.3, is 2.06 too, but
 * whether 4.3's dom0 uses it or Fedora's 2.12 is unconfirmed, qubes-facts §1.6; rhboot/grub2 fedora-37 and
 * fedora-41 util/grub.d/20_linux_xen.in print the same entry shapes) cannot run here: it needs grub-probe on a real /boot and the grub-mkconfig_lib of Fedora's grub2.
 * So this is our own minimal script, written from reading that source, that emits the same entry shapes:
 * the "<distributor>, with Xen hypervisor" entry (newest Xen, newest kernel), then the "Advanced options"
 * submenu with one "Xen hypervisor, version X" submenu per Xen and one entry per dom0 kernel in each; the
 * prepare_grub_to_access_device lines for an ext4 /boot on GPT; `insmod multiboot2` before the loaders;
 * `placeholder ${GRUB_CMDLINE_XEN} ${GRUB_CMDLINE_XEN_DEFAULT}` on the Xen line and `placeholder
 * root=… ro ${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}` on the Linux line, joined with a space as
 * the real one does (so an empty first part leaves a double space); the *_XEN_REPLACE overrides; root= as
 * the LVM device path or UUID= (btrfs: `rootflags=subvol=` first); the menu entry ids from the root
 * filesystem's UUID; only kernels whose config has CONFIG_XEN_DOM0=y; recovery entries unless
 * GRUB_DISABLE_RECOVERY=true; savedefault only with GRUB_SAVEDEFAULT=true.
 *
 * Where it reads dom0's /boot it uses SIM_DOM0_ROOT, the simulated tree (this script exists only in the
 * simulator, so the prefix is its own); the device facts grub-probe would give come in the environment
 * grub2-mkconfig exports (GRUB_DEVICE, GRUB_DEVICE_UUID, GRUB_DEVICE_BOOT_UUID, GRUB_FS) plus
 * SIM_ROOT_SUBVOL for what make_system_path_relative_to_its_root would say on btrfs.
 */
export const STOCK_20_LINUX_XEN = String.raw`#! /bin/sh
# shellcheck shell=sh
# (simulated dom0) stand-in for Qubes' 20_linux_xen: same entry shapes, see
# electron/sim/profiles/grub-d.ts.
set -e
root=${'${SIM_DOM0_ROOT:?}'}
CLASS="--class gnu-linux --class gnu --class os --class xen"
if [ -z "${'${GRUB_DISTRIBUTOR}'}" ]; then
  OS=GNU/Linux
else
  OS=${'${GRUB_DISTRIBUTOR}'}
  CLASS="--class $(echo "${'${GRUB_DISTRIBUTOR}'}" | tr '[:upper:]' '[:lower:]' | cut -d' ' -f1 | LC_ALL=C sed 's,[^[:alnum:]_],_,g') ${'${CLASS}'}"
fi
case ${'${GRUB_DEVICE}'} in
  /dev/mapper/luks-*) LINUX_ROOT_DEVICE=UUID=${'${GRUB_DEVICE_UUID}'} ;;
  /dev/mapper/*) LINUX_ROOT_DEVICE=${'${GRUB_DEVICE}'} ;;
  *) LINUX_ROOT_DEVICE=UUID=${'${GRUB_DEVICE_UUID}'} ;;
esac
if [ -n "${'${GRUB_CMDLINE_LINUX_XEN_REPLACE}'}" ]; then GRUB_CMDLINE_LINUX=${'${GRUB_CMDLINE_LINUX_XEN_REPLACE}'}; fi
if [ -n "${'${GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT}'}" ]; then GRUB_CMDLINE_LINUX_DEFAULT=${'${GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT}'}; fi
if [ "${'${GRUB_FS}'}" = btrfs ] && [ -n "${'${SIM_ROOT_SUBVOL}'}" ]; then
  GRUB_CMDLINE_LINUX="rootflags=subvol=${'${SIM_ROOT_SUBVOL}'} ${'${GRUB_CMDLINE_LINUX}'}"
fi
id=${'${GRUB_DEVICE_UUID}'}

entry() { # indent kind title xen kernel linux_args xen_args
  i=$1 kind=$2 title=$3 xen=$4 k=$5 largs=$6 xargs=$7
  if [ "$kind" = simple ]; then eid="xen-gnulinux-simple-$id"; else eid="xen-gnulinux-$k-$kind-$id"; fi
  sed "s/^/$i/" <<EOF
menuentry '$title' $CLASS \$menuentry_id_option '$eid' {
EOF
  if [ "${'${GRUB_SAVEDEFAULT}'}" = true ]; then printf '%s\tsavedefault\n' "$i"; fi
  sed "s/^/$i/" <<EOF
	insmod part_gpt
	insmod ext2
	set root='hd0,gpt2'
	if [ x\$feature_platform_search_hint = xy ]; then
	  search --no-floppy --fs-uuid --set=root --hint-bios=hd0,gpt2 --hint-efi=hd0,gpt2 --hint-baremetal=ahci0,gpt2  ${'${GRUB_DEVICE_BOOT_UUID}'}
	else
	  search --no-floppy --fs-uuid --set=root ${'${GRUB_DEVICE_BOOT_UUID}'}
	fi
	echo	'Loading Xen $xen ...'
        if [ "\$grub_platform" = "pc" -o "\$grub_platform" = "" ]; then
            xen_rm_opts=
        else
            xen_rm_opts="no-real-mode edd=off"
        fi
	insmod multiboot2
	multiboot2	/xen-$xen.gz placeholder $xargs \${xen_rm_opts}
	echo	'Loading Linux $k ...'
	module2	/vmlinuz-$k placeholder root=$LINUX_ROOT_DEVICE ro $largs
EOF
  if [ -e "$root/boot/initramfs-$k.img" ]; then
    sed "s/^/$i/" <<EOF
	echo	'Loading initial ramdisk ...'
	insmod multiboot2
	module2	--nounzip   /initramfs-$k.img
EOF
  fi
  printf '%s}\n' "$i"
}

kernels=
for f in "$root"/boot/vmlinuz-*; do
  [ -e "$f" ] || continue
  v=${'${f##*/vmlinuz-}'}
  if grep -qx 'CONFIG_XEN_DOM0=y' "$root/boot/config-$v" 2>/dev/null; then kernels="$kernels $v"; fi
done
# shellcheck disable=SC2086 # one version per word
kernels=$(printf '%s\n' $kernels | sort -r -V)
xens=
for f in "$root"/boot/xen-*.gz; do
  [ -e "$f" ] || continue
  v=${'${f##*/xen-}'}
  xens="$xens ${'${v%.gz}'}"
done
# shellcheck disable=SC2086
xens=$(printf '%s\n' $xens | sort -r -V)
[ -n "$kernels" ] && [ -n "$xens" ] || exit 0

top=true
for x in $xens; do
  for k in $kernels; do
    if [ $top = true ]; then
      entry '' simple "$OS, with Xen hypervisor" "$x" "$k" "${'${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}'}" "${'${GRUB_CMDLINE_XEN} ${GRUB_CMDLINE_XEN_DEFAULT}'}"
      echo "submenu 'Advanced options for $OS (with Xen hypervisor)' \$menuentry_id_option 'gnulinux-advanced-$id' {"
      top=false
    fi
  done
  echo "	submenu 'Xen hypervisor, version $x' \$menuentry_id_option 'xen-hypervisor-$x-$id' {"
  for k in $kernels; do
    entry '		' advanced "$OS, with Xen $x and Linux $k" "$x" "$k" "${'${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}'}" "${'${GRUB_CMDLINE_XEN} ${GRUB_CMDLINE_XEN_DEFAULT}'}"
    if [ "${'${GRUB_DISABLE_RECOVERY}'}" != true ]; then
      entry '		' recovery "$OS, with Xen $x and Linux $k (recovery mode)" "$x" "$k" "single ${'${GRUB_CMDLINE_LINUX}'}" "${'${GRUB_CMDLINE_XEN}'}"
    fi
  done
  echo '	}'
done
echo '}'
echo
`;

/**
 * Stand-in for grub2's 00_header, trimmed to what matters here: load_env, saved_entry/next_entry, the
 * menuentry_id_option feature test, and the timeout lines from GRUB_TIMEOUT / GRUB_TIMEOUT_STYLE.
 */
export const STOCK_00_HEADER = String.raw`#! /bin/sh
# shellcheck shell=sh
# (simulated dom0) stand-in for grub2's 00_header (trimmed), see
# electron/sim/profiles/grub-d.ts.
set -e
cat <<'EOF'
set pager=1

if [ -f ${'${config_directory}'}/grubenv ]; then
  load_env -f ${'${config_directory}'}/grubenv
elif [ -s $prefix/grubenv ]; then
  load_env
fi
if [ "${'${next_entry}'}" ] ; then
   set default="${'${next_entry}'}"
   set next_entry=
   save_env next_entry
   set boot_once=true
else
   set default="${'${saved_entry}'}"
fi

if [ x"${'${feature_menuentry_id}'}" = xy ]; then
  menuentry_id_option="--id"
else
  menuentry_id_option=""
fi

export menuentry_id_option

function load_video {
  insmod all_video
}

EOF
echo "terminal_output ${'${GRUB_TERMINAL_OUTPUT:-console}'}"
cat <<EOF
if [ x\$feature_timeout_style = xy ] ; then
  set timeout_style=${'${GRUB_TIMEOUT_STYLE:-menu}'}
  set timeout=${'${GRUB_TIMEOUT:-5}'}
else
  set timeout=${'${GRUB_TIMEOUT:-5}'}
fi
EOF
`;
