import { describe, expect, it } from 'vitest';
import type { ChangeAction } from '../core/api/confirm-change.js';
import { dialogConfirm, type MessageBoxDialog } from './confirm-dialog.js';

describe('the native confirmation before a change', () => {
  const ask = async (action: ChangeAction, response: number) => {
    const shown: Record<string, unknown>[] = [];
    const dialog = {
      showMessageBox: async (...args: unknown[]) => (
        shown.push(args.at(-1) as Record<string, unknown>),
        { response }
      ),
    } as MessageBoxDialog;
    const yes = await dialogConfirm(
      dialog,
      () => null,
    )({
      action,
      params: {
        system: 'dom0',
        mode: 'zram',
        digest: 'abcdef012345',
        count: 2,
        how: 'resume',
        qubes: 'work',
      },
    });
    return { yes, shown: shown[0]! };
  };

  it.each(['apply', 'rollback', 'recover', 'shutdown'] as const)(
    'words the %s question from the catalogue, Cancel first and the default',
    async (action) => {
      const { yes, shown } = await ask(action, 0);
      expect(yes).toBe(false);
      for (const k of ['title', 'message', 'detail']) {
        expect(shown[k], k).toBeTypeOf('string');
        expect(shown[k], k).not.toMatch(/confirmChange\.|\{\{/);
      }
      expect(shown.message).toContain('dom0');
      expect(shown).toMatchObject({ type: 'warning', defaultId: 0, cancelId: 0, noLink: true });
      expect((shown.buttons as string[])[0]).toBe('Cancel');
    },
  );

  it('says yes only for the second button', async () => {
    expect((await ask('apply', 1)).yes).toBe(true);
    expect((await ask('apply', 2)).yes).toBe(false);
  });
});
