import { describe, expect, it } from 'vitest';
import { parseProcSwaps } from '../probes/parse-proc.js';
import { SIM_SWAP_LABEL, SIM_SWAP_UUID } from '../../sim/commands/system-tools.js';
import { BIN } from '../system/binaries.js';
import { displayArgv } from '../../../shared/command-line.js';
import { undoCommandOf } from '../tasks/operations.js';
import { flattenPlan } from '../tasks/steps.js';
import { engineFor } from '../../testing/engine-fixture.js';
import { tempSim } from '../../testing/temp-sim.js';

// Installers write swap as UUID= (anaconda for plain partitions) or by a /dev/disk/by-* link; swapon(8) looks tags
// up as their udev links, and /proc/swaps lists the resolved node (/dev/dm-2 for the swap LV).
const SPECS = [
  `UUID=${SIM_SWAP_UUID}`,
  `LABEL=${SIM_SWAP_LABEL.replace(/ /g, '\\040')}`,
  '/dev/disk/by-id/dm-name-qubes_dom0-swap',
  '/dev/mapper/qubes_dom0-swap',
];

describe.each(SPECS)('a swap line given as %s', (spec) => {
  it('reads as on, is turned off with `swapoff -- DEVICE`, and comes back on rollback', async () => {
    const sim = await tempSim();
    const fstab = (await sim.readText('/etc/fstab')).replace(/^\/dev\/mapper\/qubes_dom0-swap(?=\s)/m, spec);
    expect(fstab).toContain(`${spec} `);
    await sim.tree.writeAtomic('/etc/fstab', fstab);
    const { plan } = await engineFor(sim).plan({ dom0: { mode: 'overlay' }, swap: 'disable' });
    const swapoffs = flattenPlan(plan)
      .map((s) => s.op)
      .filter((op) => op.kind === 'setting' && op.command.bin === BIN.swapoff);
    expect(swapoffs).toHaveLength(1);
    const op = swapoffs[0]!;
    if (op.kind !== 'setting') throw new Error('not a setting op');
    expect(op.command.args[0]).toBe('--');
    expect(displayArgv(undoCommandOf(op, plan.release)!)).toEqual([
      BIN.sudo,
      '-n',
      '--',
      BIN.swapon,
      '--',
      op.command.args[1],
    ]);
    await engineFor(sim).apply({ dom0: { mode: 'overlay' }, swap: 'disable' });
    expect(parseProcSwaps(await sim.readText('/proc/swaps')).map((s) => s.device)).not.toContain('/dev/dm-2');
    await engineFor(sim).rollback({});
    expect(parseProcSwaps(await sim.readText('/proc/swaps')).map((s) => s.device)).toContain('/dev/dm-2');
    expect(await sim.readText('/etc/fstab')).toBe(fstab);
  });
});
