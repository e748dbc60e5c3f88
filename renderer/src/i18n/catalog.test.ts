/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { COMPRESSORS, SELECTIONS } from '../../../shared/choices.js';
import { STATELESS_MODES } from '../../../shared/facts.js';
import { lookup, EN_CATALOG } from '../../../shared/i18n/translate.js';
import { CONFLICT_RESOLUTIONS, TASK_IDS } from '../../../shared/plan.js';
import type { NameProblem } from '../../../shared/qube-names.js';
import { SEGMENT_IDS } from '../lib/ram-view.js';
import { WIZARD_STEPS } from '../lib/wizard-steps.js';

/**
 * Every key the renderer uses has English words, and components hold no words of their own: a missing key or a
 * literal string fails here, not in front of a user. Sources are read through Vite's glob (the renderer layer
 * may not import Node).
 */
const files = import.meta.glob(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}', '!../testing/**'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;
const sources = Object.entries(files);
const all = sources.map(([, text]) => text).join('\n');
const sections = Object.keys(EN_CATALOG);
// A plural key (i18next's `_one`/`_other` forms) counts as words too.
const isText = (key: string) =>
  typeof lookup(EN_CATALOG, key) === 'string' || typeof lookup(EN_CATALOG, `${key}_other`) === 'string';

/** Every dotted key of the catalogue that leads to words. */
function leaves(node: unknown, prefix = ''): string[] {
  if (typeof node === 'string') return [prefix];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    leaves(v, prefix ? `${prefix}.${k}` : k),
  );
}
const KEYS = leaves(EN_CATALOG);

/** Words written straight into JSX: text between tags, and labelling attributes with letters in them. */
function literalText(tsx: string): string[] {
  const code = tsx.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const between = [...code.matchAll(/>([^<>{}=;()|&`'"]*[A-Za-z][^<>{}=;()|&`'"]*)<\/?[a-zA-Z]/g)].map((m) =>
    m[1]!.trim(),
  );
  const attributes = [...code.matchAll(/\b(aria-label|title|placeholder|alt)="([^"]*[A-Za-z][^"]*)"/g)].map(
    (m) => m[0],
  );
  return [...between, ...attributes];
}

describe("the renderer's words", () => {
  it('reads the renderer sources', () => {
    expect(sources.length).toBeGreaterThan(20);
    expect(Object.keys(files).some((f) => f.endsWith('screens/review-screen.tsx'))).toBe(true);
  });

  it('has English for every literal key', () => {
    const literal = new RegExp(`['"]((?:${sections.join('|')})\\.[A-Za-z0-9_.-]+)['"]`, 'g');
    const keys = new Set([...all.matchAll(literal)].map((m) => m[1]!).filter((k) => !k.endsWith('.')));
    expect(keys.size).toBeGreaterThan(150);
    for (const k of keys) expect(isText(k), k).toBe(true);
  });

  it('has English for at least one expansion of every computed key', () => {
    const computed = [...all.matchAll(/\bt\(\s*`([^`]+)`/g)].map((m) => m[1]!);
    expect(computed.length).toBeGreaterThan(10);
    for (const template of computed) {
      const pattern = new RegExp(
        `^${template
          .split(/\$\{[^}]+\}/)
          .map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
          .join('.+')}$`,
      );
      expect(
        KEYS.some((k) => pattern.test(k)),
        template,
      ).toBe(true);
    }
  });

  it('has English for every value of every family of computed keys', () => {
    const nameProblems: NameProblem[] = [
      'empty',
      'too-long',
      'bad-first-char',
      'bad-char',
      'reserved',
      'dm-suffix',
    ];
    const expected = [
      ...WIZARD_STEPS.map((s) => `wizard.steps.${s}`),
      ...STATELESS_MODES.flatMap((m) => [`mode.${m}.title`, `mode.${m}.explain`]),
      ...COMPRESSORS.map((c) => `mode.compressor.${c}`),
      ...SELECTIONS.flatMap((s) => [`mode.selection.${s}.title`, `mode.selection.${s}.explain`]),
      ...['measured', 'typical'].map((s) => `mode.ratio.${s}`),
      ...['stateless-only', 'disable'].flatMap((s) => [`extras.swap.${s}.title`, `extras.swap.${s}.explain`]),
      ...nameProblems.map((p) => `names.problem.${p}`),
      ...SEGMENT_IDS.map((s) => `ramScreen.segment.${s}`),
      ...[
        'pool-option',
        'volume-property',
        'global-property',
        'swap-active',
        'unit-enabled',
        'qube-exists',
      ].map((s) => `review.setting.${s}`),
      ...TASK_IDS.flatMap((id) => [`tasks.${id}.title`, `tasks.${id}.detail`]),
      ...['apply', 'undo'].map((p) => `run.phase.${p}`),
      ...['apply', 'rollback'].map((k) => `status.kind.${k}`),
      ...['in-progress', 'applied', 'rolled-back', 'failed', 'done'].map((s) => `status.txStatus.${s}`),
      ...['file-changed', 'setting-changed', 'qube-has-data'].map((k) => `conflicts.kind.${k}`),
      ...CONFLICT_RESOLUTIONS.flatMap((r) => [`conflicts.option.${r}.title`, `conflicts.option.${r}.detail`]),
      ...['ok', 'warn', 'block', 'fail', 'info', 'pending'].map((s) => `common.status.${s}`),
    ];
    for (const k of expected) expect(isText(k), k).toBe(true);
  });

  it('keeps words out of components: no literal text between tags or in labels', () => {
    expect(literalText('<p className="x">Hello there</p>')).toEqual(['Hello there']);
    expect(literalText('<button aria-label="Close">{t(k)}</button>')).toEqual(['aria-label="Close"']);
    expect(
      literalText("<p>{t('a.b')} <code>{x}</code></p>; const m = new Map<string, Array<number>>();"),
    ).toEqual([]);
    for (const [file, text] of sources.filter(([f]) => f.endsWith('.tsx')))
      expect(literalText(text), file).toEqual([]);
  });
});
