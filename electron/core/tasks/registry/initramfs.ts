import { message } from '../../../../shared/message.js';
import { BIN } from '../../system/binaries.js';
import { generateOp } from '../operations.js';
import { dracutCommand } from '../planned-commands.js';
import { forumChangesDracut } from './forum-migration.js';
import type { TaskModule } from './task.js';

/** Rebuild every dom0 image when the module changed, or when an image was not built with it by us. */
export const initramfs: TaskModule = {
  id: 'initramfs',
  async plan(ctx) {
    const moduleChanged = ctx.planned('dracut-module').length > 0 || forumChangesDracut(ctx);
    const ops = [];
    for (const k of ctx.facts.kernels.filter((x) => x.xenDom0 && x.initramfs)) {
      if (!moduleChanged && (await ctx.isCurrent(k.initramfs!))) continue;
      ops.push(
        generateOp(dracutCommand(k.initramfs!, k.version), {
          labelKey: 'ops.dracut',
          outputs: [k.initramfs!],
        }),
      );
    }
    return ops;
  },
  /** Every rebuilt image lists the module (lsinitrd -m). */
  async verify(ctx, _tx, task) {
    const checks = [];
    for (const op of task.operations) {
      if (op.kind !== 'generate') continue;
      const image = op.outputs[0]!;
      const listed = await ctx.sys.run({ bin: BIN.lsinitrd, args: ['-m', image], privileged: true }).then(
        (r) => r.stdout,
        () => '',
      );
      const ok = /^qubes-stateless$/m.test(listed);
      checks.push({
        task: 'initramfs' as const,
        ok,
        detail: message(ok ? 'verify.initramfs.includes' : 'verify.initramfs.lacks', { image }),
      });
    }
    return checks;
  },
};
