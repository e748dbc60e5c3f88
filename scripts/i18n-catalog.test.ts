import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../shared/errors.js';
import { TASK_IDS } from '../shared/plan.js';
import { lookup, translate } from '../shared/i18n/translate.js';
import en from '../shared/i18n/en.json';

/** Every key the code can emit has English words; a new key without them fails here, not in front of a user. */
const ROOT = path.resolve(import.meta.dirname, '..');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(n) && !/\.test\./.test(n) ? [p] : [];
  });
}
const code = ['electron', 'shared', 'renderer']
  .flatMap((d) => sources(path.join(ROOT, d)))
  .map((f) => readFileSync(f, 'utf8'))
  .join('\n');

describe('English catalogue', () => {
  it('has a title and detail for every error code', () => {
    for (const c of ERROR_CODES) {
      expect(lookup(en, `errors.${c}.title`), c).toBeTypeOf('string');
      expect(lookup(en, `errors.${c}.detail`), c).toBeTypeOf('string');
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
    for (const k of keys) expect(lookup(en, k), k).toBeTypeOf('string');
  });

  it('has ok and fail words for every precondition the planner checks', () => {
    const ids = [...code.matchAll(/\{\s*id: '([a-z-]+)',\s*ok:/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThanOrEqual(8);
    for (const id of ids) {
      expect(lookup(en, `preconditions.${id}.ok`), id).toBeTypeOf('string');
      expect(lookup(en, `preconditions.${id}.fail`), id).toBeTypeOf('string');
    }
  });

  it('fills parameters', () => {
    expect(translate('errors.busy.title')).toBe('Another change is still running');
    expect(translate('preconditions.names-free.fail', { names: 'work' })).toBe(
      'These names are taken: work.',
    );
    expect(translate('no.such.key')).toBe('no.such.key');
  });
});
