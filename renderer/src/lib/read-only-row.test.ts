import { describe, expect, it } from 'vitest';
import type { QubeFact } from '../../../shared/facts.js';
import { translate } from '../../../shared/i18n/translate.js';
import { readOnlyRow } from './read-only-row.js';

const row = (state: string, checked = false, klass: QubeFact['klass'] = 'AppVM') => {
  const r = readOnlyRow({ state, klass }, checked);
  return { disabled: r.disabled, note: translate(r.note.key, r.note.params, 'en'), shutdown: r.shutdown };
};

describe('a qube in the read-only-root list', () => {
  it('halted: can be chosen, no shutdown', () => {
    expect(row('Halted')).toEqual({ disabled: false, note: 'AppVM', shutdown: false });
    expect(row('Halted', false, 'TemplateVM')).toEqual({
      disabled: false,
      note: 'Template: cannot be updated while read-only',
      shutdown: false,
    });
  });

  it('running: blocked, with "Shut down…"', () => {
    expect(row('Running')).toEqual({
      disabled: true,
      note: 'Running: shut it down to choose it',
      shutdown: true,
    });
  });

  it('paused: blocked, and no shutdown offered (qubesd would not shut it down; it would be killed)', () => {
    expect(row('Paused')).toEqual({
      disabled: true,
      note: 'Paused: unpause it or shut it down in the Qube Manager to choose it',
      shutdown: false,
    });
  });

  it('any other state that is not halted: blocked, no shutdown offered', () => {
    expect(row('Transient')).toEqual({
      disabled: true,
      note: 'Transient: it can be chosen once it is shut down',
      shutdown: false,
    });
  });

  it('chosen before it started: can still be unchosen, so nothing to shut down', () => {
    expect(row('Running', true)).toMatchObject({ disabled: false, shutdown: false });
  });
});
