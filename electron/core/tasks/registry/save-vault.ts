import { CHOICE_FIELDS } from '../../../../shared/choice-rules.js';
import { qvmCreate } from '../../qubes/admin-commands.js';
import { settingOp } from '../operations.js';
import { invalid } from '../plan-install.js';
import { changesInPlace, type TaskModule } from './task.js';

/** A network-less qube on disk to save files into from a stateless session (created; removed on rollback). */
export const saveVault: TaskModule = {
  id: 'save-vault',
  async plan(ctx, c) {
    if (!c.saveVault.enabled) return [];
    const template = ctx.facts.prefs.default_template;
    if (!template)
      throw invalid({
        field: CHOICE_FIELDS.saveVaultName,
        key: 'choice.vaultNeedsDefaultTemplate',
        params: { name: c.saveVault.name },
      });
    const create = qvmCreate(
      { name: c.saveVault.name, klass: 'AppVM', template, label: 'black', pool: null, props: { netvm: '' } },
      ctx.release,
    );
    const op = await settingOp(
      ctx.sys,
      { kind: 'qube-exists', qube: c.saveVault.name },
      'present',
      ctx.release,
      {
        labelKey: 'ops.createVault',
        command: create,
      },
    );
    return op ? [op] : [];
  },
  verify: changesInPlace,
};
