import { message } from '../../../../shared/message.js';
import type { Operation } from '../../../../shared/plan.js';
import type { AssetBundle } from '../../assets/asset-bundle.js';
import { AppError } from '../../errors.js';
import { PATHS } from '../paths.js';
import type { TaskModule } from './task.js';

/** The module's files and its dracut.conf.d snippet, as bundled. */
const moduleFiles = (assets: AssetBundle) => [
  ...assets.under(PATHS.dracutModuleDir),
  ...assets.files.filter((f) => f.installPath === PATHS.dracutConf),
];

/** The dracut module that mounts dom0's root in RAM, installed from the hash-verified bundle. */
export const dracutModule: TaskModule = {
  id: 'dracut-module',
  async plan(ctx) {
    const files = moduleFiles(ctx.assets);
    if (files.length < 2)
      throw new AppError('asset-mismatch', 'internal', 'the bundle has no dracut module', {
        asset: 'dracut',
        expected: 'module files',
        actual: 'none',
      });
    const ops: Operation[] = [...(await ctx.ensureDir(PATHS.dracutModuleDir))];
    for (const f of files) ops.push(...(await ctx.install(f)));
    return ops;
  },
  async verify(ctx) {
    const bad = [];
    for (const f of moduleFiles(ctx.assets))
      if ((await ctx.sys.sha256(f.installPath)) !== f.sha256) bad.push(f.installPath);
    return [
      {
        task: 'dracut-module',
        ok: bad.length === 0,
        detail: bad.length
          ? message('verify.dracutModule.differs', { files: bad.join(', ') })
          : message('verify.dracutModule.matches'),
      },
    ];
  },
};
