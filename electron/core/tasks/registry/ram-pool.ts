import type { Operation } from '../../../../shared/plan.js';
import type { SessionConfig } from '../boot-config.js';
import { RAM_POOL_NAME } from '../boot-config.js';
import { settingOp } from '../operations.js';
import { PATHS, SESSION_UNIT } from '../paths.js';
import { sessionTemplates } from '../plan-install.js';
import { daemonReloadOp } from './systemd.js';
import { changesInPlace, type TaskModule } from './task.js';

/**
 * The RAM pool and the stateless template clones: made at every stateless boot by the session unit (which
 * runs our CLI) from the session config written here; the unit is enabled now.
 */
export const ramPool: TaskModule = {
  id: 'ram-pool',
  async plan(ctx, c) {
    if (!c.ramPool.enabled) return [];
    const unit = ctx.asset(PATHS.sessionUnit);
    const templates = sessionTemplates(c);
    const config: SessionConfig = {
      format: 'qubes-stateless-session/1',
      ramPool: { name: RAM_POOL_NAME, sizeMiB: c.ramPool.sizeMiB ?? ctx.sizing.ramPoolMiB ?? 4096 },
      templates,
      defaultDispvm: c.defaultDispvm ? templates[0]!.dvm : null,
    };
    const ops: Operation[] = [
      ...(await ctx.ensureDir(PATHS.configDir)),
      ...(await ctx.writeIfChanged(PATHS.sessionConf, `${JSON.stringify(config, null, 2)}\n`, 0o644)),
      ...(await ctx.install(unit)),
    ];
    if (ops.length) ops.push(daemonReloadOp());
    const enable = await settingOp(
      ctx.sys,
      { kind: 'unit-enabled', unit: SESSION_UNIT },
      'enabled',
      ctx.release,
      {
        labelKey: 'ops.enableUnit',
      },
    );
    return enable ? [...ops, enable] : ops;
  },
  verify: changesInPlace,
};
