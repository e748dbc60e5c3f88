import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/temp-sim.js';
import { runCli } from './testing-cli.js';

/**
 * The CLI's entry (bin.ts) speaks the user's language from the environment, as gettext programs do: run as a
 * process, with LANG / LC_MESSAGES / LC_ALL set, its doctor summary is worded from that catalogue.
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'electron/cli/bin.ts');

function doctor(dir: string, env: Record<string, string>) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !['LANG', 'LC_ALL', 'LC_MESSAGES', 'LANGUAGE'].includes(k)),
  );
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, '--sim', dir, 'doctor'], {
    cwd: ROOT,
    env: { ...clean, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout };
}

describe('the CLI in the user’s language', () => {
  it('words doctor from the catalogue LANG, LC_MESSAGES or LC_ALL names', async () => {
    const dir = path.join(await tempDir(), 'dom0');
    expect((await runCli('sim', 'init', dir, '--profile', 'qubes-4.2')).code).toBe(0);
    const en = doctor(dir, {});
    expect(en.code).toBe(0);
    expect(en.out).toMatch(/: \d+ ok, 0 warnings, 0 problems \(\d+ file operations\)/);
    expect(en.out).toContain('No problems: the app can read everything it needs on this machine.');
    const de = doctor(dir, { LANG: 'de_DE.UTF-8' });
    expect(de.out).toMatch(/: ok: \d+, 0 Warnungen, 0 Probleme \(\d+ Dateioperationen\)/);
    expect(de.out).toContain('Keine Probleme: Die App kann alles lesen, was sie auf diesem Rechner braucht.');
    const ru = doctor(dir, { LANG: 'de_DE.UTF-8', LC_MESSAGES: 'ru_RU.UTF-8' });
    expect(ru.out).toContain('Проблем нет: приложение может прочитать на этой машине всё, что ему нужно.');
    const c = doctor(dir, { LANG: 'de_DE.UTF-8', LC_ALL: 'C' });
    expect(c.out).toContain('No problems: the app can read everything it needs on this machine.');
  }, 120_000);
});
