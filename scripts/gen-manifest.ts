// Generates assets/manifest.json: every file we install into dom0, with its
// install path, mode, SHA-256 and size (the install task refuses files that
// differ from it). Run: npx tsx scripts/gen-manifest.ts [--check]
//   --check  exit 1 if assets/manifest.json is not exactly what would be written.
//
// Install paths and modes come from the rules below; a file under assets/
// that no rule covers is an error, so nothing is shipped or left out by
// accident. The per-user /etc/qubes-stateless/grub.conf is written by the app
// and is deliberately not an asset.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ManifestFile {
  readonly asset: string;
  readonly installPath: string;
  readonly mode: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface Manifest {
  readonly version: 1;
  readonly files: readonly ManifestFile[];
}

export const ASSETS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'assets');
export const MANIFEST_PATH = join(ASSETS_DIR, 'manifest.json');

interface Rule {
  readonly pattern: RegExp;
  /** Install path from the asset path (relative to assets/, with "/"). */
  readonly installPath: (asset: string) => string;
  /** Required mode, or "exec-bit" to take 0755/0644 from the file's executable bit. */
  readonly mode: '0644' | '0755' | 'exec-bit';
}

const DRACUT_MODULE = 'dracut/90qubes-stateless/';

export const RULES: readonly Rule[] = [
  {
    // The module directory as dracut expects it; scripts it installs with
    // inst_script keep their executable bit.
    pattern: /^dracut\/90qubes-stateless\/[A-Za-z0-9_.-]+$/,
    installPath: (a) => `/usr/lib/dracut/modules.d/90qubes-stateless/${a.slice(DRACUT_MODULE.length)}`,
    mode: 'exec-bit',
  },
  {
    pattern: /^dracut\/dracut\.conf\.d\/90-qubes-stateless\.conf$/,
    installPath: () => '/etc/dracut.conf.d/90-qubes-stateless.conf',
    mode: '0644',
  },
  {
    // grub2-mkconfig runs only executable /etc/grub.d files.
    pattern: /^grub\.d\/21_qubes_stateless$/,
    installPath: () => '/etc/grub.d/21_qubes_stateless',
    mode: '0755',
  },
  {
    // kernel-install runs only executable plugins; /etc/kernel/install.d is the admin's (and our) place.
    pattern: /^kernel-install\/85-qubes-stateless\.install$/,
    installPath: () => '/etc/kernel/install.d/85-qubes-stateless.install',
    mode: '0755',
  },
  {
    // Enabled by the RAM-pool task; runs only in stateless sessions (ConditionKernelCommandLine).
    pattern: /^systemd\/qubes-stateless-session\.service$/,
    installPath: () => '/usr/lib/systemd/system/qubes-stateless-session.service',
    mode: '0644',
  },
];

/** Files under assets/ that are not installed into dom0. */
export const NOT_INSTALLED: readonly RegExp[] = [/^README\.md$/, /^manifest\.json$/, /\.test\.ts$/];

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** The manifest for the current contents of assetsDir; throws on a file no rule covers. */
export function buildManifest(assetsDir: string = ASSETS_DIR): Manifest {
  const files: ManifestFile[] = [];
  const problems: string[] = [];
  for (const path of walk(assetsDir)) {
    const asset = relative(assetsDir, path).split(sep).join('/');
    if (NOT_INSTALLED.some((re) => re.test(asset))) continue;
    const rule = RULES.find((r) => r.pattern.test(asset));
    if (!rule) {
      problems.push(`${asset}: no install rule in scripts/gen-manifest.ts`);
      continue;
    }
    const st = statSync(path);
    const executable = (st.mode & 0o111) !== 0;
    let mode: string;
    if (rule.mode === 'exec-bit') mode = executable ? '0755' : '0644';
    else {
      mode = rule.mode;
      if ((mode === '0755') !== executable)
        problems.push(`${asset}: must be ${mode === '0755' ? '' : 'not '}executable in the repository`);
    }
    const content = readFileSync(path);
    files.push({
      asset,
      installPath: rule.installPath(asset),
      mode,
      sha256: createHash('sha256').update(content).digest('hex'),
      bytes: content.length,
    });
  }
  const paths = files.map((f) => f.installPath);
  for (const p of paths)
    if (paths.indexOf(p) !== paths.lastIndexOf(p)) problems.push(`${p}: installed twice`);
  if (problems.length > 0) throw new Error(`asset manifest: ${problems.join('; ')}`);
  files.sort((a, b) => a.asset.localeCompare(b.asset));
  return { version: 1, files };
}

export function serializeManifest(m: Manifest): string {
  return `${JSON.stringify(m, null, 2)}\n`;
}

function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`usage: gen-manifest.ts [--check] (unknown: ${unknown.join(' ')})`);
    return 2;
  }
  const text = serializeManifest(buildManifest());
  if (check) {
    let current: string;
    try {
      current = readFileSync(MANIFEST_PATH, 'utf8');
    } catch {
      current = '';
    }
    if (current !== text) {
      console.error(
        `${relative(process.cwd(), MANIFEST_PATH)} is out of date: run npx tsx scripts/gen-manifest.ts`,
      );
      return 1;
    }
    console.log('assets/manifest.json is up to date');
    return 0;
  }
  writeFileSync(MANIFEST_PATH, text);
  console.log(`wrote ${relative(process.cwd(), MANIFEST_PATH)}`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
