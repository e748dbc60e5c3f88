import { SUDO_BIN } from '../../../shared/command-line.js';

/**
 * Absolute paths of every program the app runs on dom0 (Fedora 37/41 layout; /usr/sbin still resolves on
 * releases that merged it into /usr/bin). Commands never go through PATH or a shell.
 */
export const BIN = {
  sudo: SUDO_BIN,
  xl: '/usr/sbin/xl',
  findmnt: '/usr/bin/findmnt',
  qvmLs: '/usr/bin/qvm-ls',
  qvmPrefs: '/usr/bin/qvm-prefs',
  qubesPrefs: '/usr/bin/qubes-prefs',
  qvmPool: '/usr/bin/qvm-pool',
  qvmVolume: '/usr/bin/qvm-volume',
  qvmClone: '/usr/bin/qvm-clone',
  qvmCreate: '/usr/bin/qvm-create',
  qvmRemove: '/usr/bin/qvm-remove',
  qvmShutdown: '/usr/bin/qvm-shutdown',
  qvmFeatures: '/usr/bin/qvm-features',
  grub2Mkconfig: '/usr/sbin/grub2-mkconfig',
  dracut: '/usr/bin/dracut',
  swapoff: '/usr/sbin/swapoff',
  swapon: '/usr/sbin/swapon',
  systemctl: '/usr/bin/systemctl',
  install: '/usr/bin/install',
  mv: '/usr/bin/mv',
  rm: '/usr/bin/rm',
  rmdir: '/usr/bin/rmdir',
  cp: '/usr/bin/cp',
  grub2Editenv: '/usr/bin/grub2-editenv',
  lsinitrd: '/usr/bin/lsinitrd',
  mkdir: '/usr/bin/mkdir',
  sync: '/usr/bin/sync',
  cat: '/usr/bin/cat',
  // The privileged read path (privileged-read.ts): coreutils and findutils, /usr/bin on Fedora 37/41 and Debian.
  stat: '/usr/bin/stat',
  find: '/usr/bin/find',
  sha256sum: '/usr/bin/sha256sum',
  ln: '/usr/bin/ln',
  du: '/usr/bin/du',
  true: '/usr/bin/true',
  readlink: '/usr/bin/readlink',
  modprobe: '/usr/sbin/modprobe',
  zramctl: '/usr/sbin/zramctl',
  mkfsXfs: '/usr/sbin/mkfs.xfs',
  mount: '/usr/bin/mount',
} as const;

export type BinPath = (typeof BIN)[keyof typeof BIN];
