import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../shared/errors.js';
import { ConflictSchema, TASK_IDS } from '../shared/plan.js';
import { SESSION_SKIPS } from '../electron/core/session/session-start.js';
import { hasWords, lookup, messageText, translate, withReasonText } from '../shared/i18n/translate.js';
import en from '../shared/i18n/en.json';

/** Every key the code can emit has English words; a new key without them fails here, not in front of a user. */
const ROOT = path.resolve(import.meta.dirname, '..');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) && !/\.test\./.test(n) ? [p] : [];
  });
}
const read = (dirs: string[]) =>
  dirs
    .flatMap((d) => sources(path.join(ROOT, d)))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
const code = read(['electron', 'shared', 'renderer']);
/** What the core, the CLI, the simulator and the shared rules send as message keys (not the renderer's own). */
const coreCode = read(['electron/core', 'electron/cli', 'electron/sim', 'electron/compose', 'shared']);

describe('English catalogue', () => {
  it('has a title and detail for every error code', () => {
    for (const c of ERROR_CODES) {
      expect(lookup(en, `errors.${c}.title`), c).toBeTypeOf('string');
      expect(hasWords(`errors.${c}.detail`), c).toBe(true);
    }
  });

  it('names every task', () => {
    for (const t of TASK_IDS) expect(lookup(en, `tasks.${t}.title`), t).toBeTypeOf('string');
  });

  it('has words for every message key the RAM model, the planner and the operations use', () => {
    const keys = new Set(
      [...code.matchAll(/['`]((?:ram|ops|warnings|verify)\.[A-Za-z.]+)['`]/g)]
        .map((m) => m[1]!)
        .filter((k) => !k.endsWith('.')),
    );
    expect(keys.size).toBeGreaterThan(30);
    for (const k of keys) expect(hasWords(k), k).toBe(true);
  });

  it('has ok and fail words for every precondition the planner checks', () => {
    const ids = [...code.matchAll(/\{\s*id: '([a-z-]+)',\s*ok:/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(8);
    for (const id of ids) {
      expect(lookup(en, `preconditions.${id}.ok`), id).toBeTypeOf('string');
      expect(lookup(en, `preconditions.${id}.fail`), id).toBeTypeOf('string');
    }
  });

  it('has words for every message key the core, the CLI and the shared rules emit', () => {
    // Any quoted literal that starts with a catalogue group and has a dot is a key (a prefix ending in "." or
    // a template with ${…} is not matched); the dynamic families are listed below.
    const groups = Object.keys(en).join('|');
    const literal = new RegExp(`['"\`]((?:${groups})(?:\\.[A-Za-z0-9-]+)+)['"\`]`, 'g');
    const keys = new Set([...coreCode.matchAll(literal)].map((m) => m[1]!));
    for (const w of SESSION_SKIPS) keys.add(`session.skipped.${w}`);
    for (const k of ConflictSchema.shape.kind.options) keys.add(`conflicts.kind.${k}`);
    expect(keys.size).toBeGreaterThan(80);
    expect(keys).toContain('choice.notAQube');
    expect(keys).toContain('session.problem.noPool');
    expect(keys).toContain('rollbackProblem.notAnOption');
    for (const k of keys) expect(hasWords(k), k).toBe(true);
  });

  it('fills parameters', () => {
    expect(translate('errors.busy.title')).toBe('Another change is still running');
    expect(translate('preconditions.names-free.fail', { names: 'work' })).toBe(
      'These names are taken: work.',
    );
    expect(translate('no.such.key')).toBe('no.such.key');
    // A `reason` that is a key is worded inside the sentence; one that is not (an old sentence) is kept.
    const error = { field: 'readOnlyRoot.x', reason: 'choice.notAQube', name: 'x' };
    expect(translate('errors.invalid-choice.detail', withReasonText(error, translate))).toBe(
      'readOnlyRoot.x: "x" is not a qube on this machine.',
    );
    expect(withReasonText({ reason: 'no stateless boot entry is installed' }, translate).reasonText).toBe(
      'no stateless boot entry is installed',
    );
    expect(
      messageText({
        key: 'session.problem.stepFailed',
        params: { reason: 'session.step.defaultDispvm', dvm: 'd', error: 'boom' },
      }),
    ).toBe('default_dispvm d: boom');
  });
});
