import { BIN } from '../system/binaries.js';
import type { Command } from '../system/system.js';

/**
 * The commands doctor may run: those that only read. Anything else (grub2-mkconfig -o, dracut, qvm-* that change
 * a setting, coreutils that write) is refused before it reaches the system, so doctor provably changes nothing.
 *
 * Read-only forms, from the argparse code of qubes-core-admin-client (same in release4.2 and release4.3):
 * - qvm_prefs.py get_parser: `VMNAME [PROPERTY [VALUE]]` with `--default/-D`; VALUE and --default write
 *   (`--get/-g` and `--set/-s` are ignored, kept for old scripts; doctor lets only --get through).
 *   qubes-prefs is the same parser without VMNAME. Every tool also takes -v/-q (QubesArgumentParser,
 *   qubesadmin/tools/__init__.py).
 * - qvm_pool.py: subcommands list (l, ls), info (i) and drivers read; add, remove, set write — and so do the
 *   legacy options (-a/--add, -r/--remove, -s/--set…) that uses_legacy_options() finds anywhere in argv, so no
 *   option but -q/-v passes.
 * - qvm_volume.py: list (ls, l; options -p/--pool, --full and the VM-name group's --all/--exclude) and info (i)
 *   read; revert, resize/extend, config (c, set, s), import, clear (4.3) write.
 * - qvm_features.py: `VM [FEATURE [VALUE]]` with `--unset/--default/--delete/-D`; VALUE and -D write.
 * - qvm-ls only lists.
 * - lsinitrd (dracut lsinitrd.sh, its getopt list): only --unpack/--unpackearly write (into the current
 *   directory), so only -m/--mod and -s/--size pass.
 * - grub2-mkconfig with no argument prints the menu on stdout and writes no file (util/grub-mkconfig.in of
 *   rhboot/grub2 fedora-37/fedora-41 under Qubes' GRUB 2.06: output goes to "${grub_cfg}.new" only with -o);
 *   the plan previews the stock entries this way (tasks/pending-grub.ts). -o and every other option are refused.
 */
const positional = (args: readonly string[]) => args.filter((a) => !a.startsWith('-'));
/** Every option is one of `allowed` (so a value that looks like an option cannot sneak a write through). */
const onlyFlags = (args: readonly string[], allowed: readonly string[]) =>
  args.every((a) => !a.startsWith('-') || allowed.includes(a));
const VERBOSITY = ['-q', '--quiet', '-v', '--verbose'];
const PREFS_READ_FLAGS = [...VERBOSITY, '--get', '-g', '--hide-default'];

/** find's actions that write or run something (GNU findutils find(1)); every other expression only reads. */
const FIND_WRITES = [
  '-delete',
  '-exec',
  '-execdir',
  '-ok',
  '-okdir',
  '-fprint',
  '-fprint0',
  '-fprintf',
  '-fls',
];

const RULES: Readonly<Record<string, (args: readonly string[]) => boolean>> = {
  // The privileged read path of the real System (stat, list and hash root-only files through sudo -n).
  '/usr/bin/stat': () => true,
  '/usr/bin/sha256sum': () => true,
  '/usr/bin/find': (a) => !a.some((x) => FIND_WRITES.includes(x)),
  [BIN.true]: (a) => a.length === 0,
  [BIN.xl]: (a) => a[0] === 'info' || a[0] === 'list',
  [BIN.findmnt]: () => true,
  [BIN.qvmLs]: () => true,
  [BIN.du]: () => true,
  [BIN.lsinitrd]: (a) => onlyFlags(a, ['-m', '--mod', '-s', '--size']),
  [BIN.grub2Mkconfig]: (a) => a.length === 0,
  [BIN.readlink]: () => true,
  [BIN.cat]: () => true,
  [BIN.systemctl]: (a) => ['is-enabled', 'is-active', 'show'].includes(positional(a)[0] ?? ''),
  [BIN.qvmPrefs]: (a) =>
    onlyFlags(a, PREFS_READ_FLAGS) && positional(a).length >= 1 && positional(a).length <= 2,
  [BIN.qubesPrefs]: (a) => onlyFlags(a, PREFS_READ_FLAGS) && positional(a).length <= 1,
  [BIN.qvmFeatures]: (a) => onlyFlags(a, VERBOSITY) && positional(a).length >= 1 && positional(a).length <= 2,
  [BIN.qvmPool]: (a) =>
    onlyFlags(a, VERBOSITY) && ['list', 'l', 'ls', 'info', 'i', 'drivers'].includes(positional(a)[0] ?? ''),
  [BIN.qvmVolume]: (a) =>
    onlyFlags(a, [...VERBOSITY, '--full', '-p', '--pool', '--all', '--exclude']) &&
    ['list', 'ls', 'l', 'info', 'i'].includes(positional(a)[0] ?? ''),
};

/** True when `cmd` only reads, whether or not it runs through sudo. */
export function isReadOnlyCommand(cmd: Pick<Command, 'bin' | 'args'>): boolean {
  const rule = RULES[cmd.bin];
  return !!rule && rule(cmd.args);
}
