import type { QubesRelease } from '../../../shared/facts.js';
import type { Setting } from '../../../shared/plan.js';
import { parsePoolInfo } from '../probes/parse-qvm.js';
import { parseProcSwaps } from '../probes/parse-proc.js';
import {
  globalPrefGet,
  globalPrefSet,
  poolInfo,
  poolSet,
  qvmLsNames,
  qvmRemove,
  volumeConfig,
  volumeInfo,
} from '../qubes/admin-commands.js';
import { AppError } from '../errors.js';
import { BIN } from '../system/binaries.js';
import type { Command, SystemReader } from '../system/system.js';

/**
 * Settings the app changes through commands: how to read each one (to record it, verify it and detect
 * drift) and the command that sets it to a value (to apply or to undo). Booleans are compared as Python
 * prints them ("True"/"False"), whatever the case of the input.
 */

const normalize = (v: string): string => {
  const l = v.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(l)) return 'True';
  if (['false', 'no', 'off', '0'].includes(l)) return 'False';
  return v.trim();
};

export async function readSetting(sys: SystemReader, ref: Setting, release: QubesRelease): Promise<string> {
  switch (ref.kind) {
    case 'pool-option': {
      const [pool] = parsePoolInfo((await sys.run(poolInfo(ref.pool, release))).stdout);
      return normalize(pool?.options[ref.option] ?? '');
    }
    case 'volume-property':
      return normalize((await sys.run(volumeInfo(ref.qube, ref.volume, ref.property, release))).stdout);
    case 'global-property':
      return (await sys.run(globalPrefGet(ref.property, release))).stdout.trim();
    case 'swap-active': {
      const dev = (await sys.run({ bin: BIN.readlink, args: ['-f', '--', ref.device] })).stdout.trim();
      return parseProcSwaps(await sys.readText('/proc/swaps')).some(
        (s) => s.device === dev || s.device === ref.device,
      )
        ? 'on'
        : 'off';
    }
    case 'unit-enabled': {
      const r = await sys.run({
        bin: BIN.systemctl,
        args: ['is-enabled', '--', ref.unit],
        expectExit: [0, 1],
      });
      return r.stdout.trim() === 'enabled' ? 'enabled' : 'disabled';
    }
    case 'qube-exists': {
      const names = (await sys.run(qvmLsNames(release))).stdout.split('\n');
      return names.includes(ref.qube) ? 'present' : 'absent';
    }
  }
}

export function sameSetting(a: string, b: string): boolean {
  return normalize(a) === normalize(b);
}

/** The command that sets `ref` to `value`; null where that needs more than the reference (creating a qube). */
export function settingCommand(ref: Setting, value: string, release: QubesRelease): Command | null {
  switch (ref.kind) {
    case 'pool-option':
      return poolSet(ref.pool, ref.option, value, release);
    case 'volume-property':
      return volumeConfig(ref.qube, ref.volume, ref.property, value, release);
    case 'global-property':
      return globalPrefSet(ref.property, value, release);
    case 'swap-active':
      // `--`: util-linux swapon/swapoff take options through getopt_long (sys-utils/swapon.c, swapoff.c, v2.38/v2.40).
      return { bin: value === 'on' ? BIN.swapon : BIN.swapoff, args: ['--', ref.device], privileged: true };
    case 'unit-enabled':
      return {
        bin: BIN.systemctl,
        args: [value === 'enabled' ? 'enable' : 'disable', '--', ref.unit],
        privileged: true,
      };
    case 'qube-exists':
      if (value === 'absent') return qvmRemove(ref.qube, release);
      return null;
  }
}

export function requireSettingCommand(ref: Setting, value: string, release: QubesRelease): Command {
  const cmd = settingCommand(ref, value, release);
  if (!cmd) throw new AppError('internal', 'internal', `no command sets ${ref.kind} to ${value}`);
  return cmd;
}

export function describeSetting(ref: Setting): string {
  switch (ref.kind) {
    case 'pool-option':
      return `pool ${ref.pool} option ${ref.option}`;
    case 'volume-property':
      return `${ref.qube}:${ref.volume} ${ref.property}`;
    case 'global-property':
      return `qubes-prefs ${ref.property}`;
    case 'swap-active':
      return `swap on ${ref.device}`;
    case 'unit-enabled':
      return `systemd unit ${ref.unit}`;
    case 'qube-exists':
      return `qube ${ref.qube}`;
  }
}
