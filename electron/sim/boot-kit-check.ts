import { execa } from 'execa';
import { PATHS } from '../core/tasks/paths.js';
import { KERNEL_FIXED_OVERHEAD_MIB, KERNEL_PAGE_ARRAY_DIVISOR } from '../../shared/ram/constants.js';
import type { SimTree } from './sim-tree.js';

/**
 * The boot kit's own checks of a stateless boot, run for real: the simulated dom0's installed
 * qubes-stateless-setup.sh (the asset, byte for byte) is sourced by /bin/sh without its last line (the call of
 * qs_main), and its qs_parse_args and qs_check_size decide, on this boot's command line and the simulated
 * machine's figures. So the simulator has no fit check of its own: a change to the script's constants or
 * formulas changes the simulated verdict too. What the initramfs would provide is given here: dracut's getarg
 * over the command line, `stat -f` of the disk root and MemAvailable; the status file is the caller's to write.
 */

export interface BootKitVerdict {
  /** The boot kit's reason: ok, or its fallback reason (not-enough-ram, size-too-small, bad-argument…). */
  readonly reason: string;
  readonly message: string;
  readonly reserveMiB: number;
  readonly needMiB: number;
  readonly memAvailableMiB: number;
}

export const SETUP_SCRIPT = `${PATHS.dracutModuleDir}/qubes-stateless-setup.sh`;

/**
 * MemAvailable in the initramfs of a dom0 of this size: what is left after the kernel's page array and its
 * fixed share (the machine as the RAM model assumes it; shared/ram/constants.ts gives the sources).
 */
export const initramfsMemAvailableMiB = (dom0MiB: number): number =>
  dom0MiB - dom0MiB / KERNEL_PAGE_ARRAY_DIVISOR - KERNEL_FIXED_OVERHEAD_MIB;

const DRIVER = String.raw`set -f
getarg() {
  _found=1
  for _w in $SIM_CMDLINE; do
    case $_w in "$1"*) _val=${'${_w#"$1"}'}; _found=0 ;; esac
  done
  [ "$_found" = 0 ] && printf '%s\n' "$_val"
  return $_found
}
warn() { :; }
eval "$SIM_SETUP"
NEWROOT=/nonexistent-sim-root
qs_write_status() { :; }
qs_meminfo_kib() { echo "$SIM_MEM_AVAILABLE_KIB"; }
stat() { echo "$SIM_STATFS"; }
if qs_parse_args && qs_check_size; then qs_reason=ok; fi
printf 'reason=%s\nreserve=%s\nneed_kib=%s\nmessage=%s\n' "$qs_reason" "$qs_reserve_mib" "$qs_need_kib" "$qs_message"
`;

/** The boot kit's verdict on this boot, from the tree's installed setup script. */
export async function bootKitCheck(
  tree: SimTree,
  o: {
    readonly cmdline: string;
    readonly dom0MiB: number;
    readonly rootUsedBytes: number;
    readonly rootInodes: number;
  },
): Promise<BootKitVerdict> {
  const script = (await tree.read(SETUP_SCRIPT)).toString();
  if (!/\nqs_main\n$/.test(script)) throw new Error(`${SETUP_SCRIPT} no longer ends with "qs_main"`);
  const memAvailableKib = Math.floor(initramfsMemAvailableMiB(o.dom0MiB) * 1024);
  // stat -f -c '%S %b %f %c %d': block size, blocks, free blocks, inodes, free inodes (a root 4 times its use).
  const blocks = Math.ceil(o.rootUsedBytes / 4096);
  const statfs = `4096 ${blocks * 4} ${blocks * 3} ${o.rootInodes * 4} ${o.rootInodes * 3}`;
  return runDriver(script, o.cmdline, memAvailableKib, statfs);
}

async function runDriver(
  script: string,
  cmdline: string,
  memAvailableKib: number,
  statfs: string,
): Promise<BootKitVerdict> {
  // The script's functions only (without its call of qs_main), passed in the environment: nothing is written.
  const lib = script.replace(/\nqs_main\n$/, '\n');
  const r = await execa('/bin/sh', ['-c', DRIVER], {
    reject: false,
    extendEnv: false,
    env: {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      LC_ALL: 'C',
      SIM_CMDLINE: cmdline,
      SIM_SETUP: lib,
      SIM_MEM_AVAILABLE_KIB: String(memAvailableKib),
      SIM_STATFS: statfs,
    },
  });
  if (r.exitCode !== 0) throw new Error(`${SETUP_SCRIPT}'s checks failed to run: ${r.stderr}`);
  const v = new Map(
    r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return {
    reason: v.get('reason') || 'unknown',
    message: v.get('message') ?? '',
    reserveMiB: Number(v.get('reserve') || 0),
    needMiB: Math.round(Number(v.get('need_kib') || 0) / 1024),
    memAvailableMiB: Math.floor(memAvailableKib / 1024),
  };
}
