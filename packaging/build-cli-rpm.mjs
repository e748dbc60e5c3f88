// `npm run package:cli-rpm`: the qubes-stateless-cli noarch RPM from the build output (run `npm run build` first;
// the npm script does). Stages the CLI bundle, the wrapper and the boot kit — exactly the files
// assets/manifest.json lists, each checked against its SHA-256 and given its mode — then runs rpmbuild on
// packaging/qubes-stateless-cli.spec. Writes dist/qubes-stateless-cli-VERSION-1.noarch.rpm and its .sha256.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NAME = 'qubes-stateless-cli';

function run(bin, args, quiet) {
  const r = spawnSync(bin, args, { stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'], encoding: 'utf8' });
  if (r.error)
    throw new Error(`${bin} could not be started (${r.error.message}); on Debian: apt-get install rpm`);
  if (r.status !== 0)
    throw new Error(
      `${bin} ${args.join(' ')} → exit ${r.status}${quiet ? `: ${r.stderr.trim().split('\n').slice(-5).join(' / ')}` : ''}`,
    );
  return r.stdout;
}

/** Copy the manifest's files (and the manifest) into `dest`, refusing any whose bytes differ from it. */
export function stageAssets(assetsDir, dest) {
  const manifest = JSON.parse(readFileSync(path.join(assetsDir, 'manifest.json'), 'utf8'));
  for (const f of manifest.files) {
    const src = path.join(assetsDir, f.asset);
    const sha = createHash('sha256').update(readFileSync(src)).digest('hex');
    if (sha !== f.sha256)
      throw new Error(
        `${f.asset}: sha256 ${sha} differs from the manifest's ${f.sha256} (run npm run manifest?)`,
      );
    const out = path.join(dest, f.asset);
    mkdirSync(path.dirname(out), { recursive: true });
    copyFileSync(src, out);
    chmodSync(out, parseInt(f.mode, 8));
  }
  copyFileSync(path.join(assetsDir, 'manifest.json'), path.join(dest, 'manifest.json'));
  chmodSync(path.join(dest, 'manifest.json'), 0o644);
  return manifest;
}

/**
 * The one package the bundle requires at run time (electron/core/ram/page-cost.ts): zstd compiled to WebAssembly,
 * which loads its .wasm from its own directory. Only its CommonJS build, license and package.json are staged.
 */
export const RUNTIME_MODULES = ['@bokuweb/zstd-wasm'];
function stageRuntimeModule(name, dest) {
  const src = path.join(ROOT, 'node_modules', name);
  const keep = (rel) =>
    rel === 'package.json' ||
    /^LICENSE/i.test(rel) ||
    (rel.startsWith('dist/common/') && /\.(js|wasm)$/.test(rel));
  const walk = (rel) => {
    for (const entry of readdirSync(path.join(src, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(r);
      else if (keep(r)) {
        mkdirSync(path.dirname(path.join(dest, r)), { recursive: true });
        copyFileSync(path.join(src, r), path.join(dest, r));
        chmodSync(path.join(dest, r), 0o644);
      }
    }
  };
  walk('');
}

/** `bundle`: the CLI built by scripts/build.mjs (its test builds one elsewhere with the same options). */
export function buildCliRpm({
  outDir = path.join(ROOT, 'dist'),
  bundle = path.join(ROOT, 'dist/cli/qubes-stateless.mjs'),
  quiet = false,
} = {}) {
  const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build first`);
  const top = mkdtempSync(path.join(os.tmpdir(), 'qs-rpmbuild-'));
  try {
    const src = path.join(top, 'stage', `${NAME}-${version}`);
    mkdirSync(path.join(src, 'bin'), { recursive: true });
    mkdirSync(path.join(src, 'cli'), { recursive: true });
    copyFileSync(path.join(ROOT, 'packaging/qubes-stateless.sh'), path.join(src, 'bin/qubes-stateless'));
    copyFileSync(bundle, path.join(src, 'cli/qubes-stateless.mjs'));
    stageAssets(path.join(ROOT, 'assets'), path.join(src, 'assets'));
    for (const m of RUNTIME_MODULES) stageRuntimeModule(m, path.join(src, 'node_modules', m));
    mkdirSync(path.join(top, 'SOURCES'), { recursive: true });
    run('/usr/bin/tar', [
      '-C',
      path.join(top, 'stage'),
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '-czf',
      path.join(top, 'SOURCES', `${NAME}-${version}.tar.gz`),
      `${NAME}-${version}`,
    ]);
    run(
      '/usr/bin/rpmbuild',
      [
        '-bb',
        '--nodeps',
        '--define',
        `_topdir ${top}`,
        '--define',
        `qs_version ${version}`,
        // The same package for both dom0 releases: no distribution tag; build time from the changelog.
        '--define',
        'dist %{nil}',
        '--define',
        'use_source_date_epoch_as_buildtime 1',
        '--define',
        'source_date_epoch_from_changelog 1',
        '--define',
        '_binary_payload w19.zstdio',
        path.join(ROOT, 'packaging/qubes-stateless-cli.spec'),
      ],
      quiet,
    );
    const rpmDir = path.join(top, 'RPMS', 'noarch');
    const [rpm] = readdirSync(rpmDir).filter((f) => f.endsWith('.rpm'));
    if (!rpm) throw new Error('rpmbuild produced no package');
    mkdirSync(outDir, { recursive: true });
    const out = path.join(outDir, rpm);
    copyFileSync(path.join(rpmDir, rpm), out);
    const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
    writeFileSync(`${out}.sha256`, `${sha}  ${rpm}\n`);
    return { rpm: out, sha256: sha };
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

if (import.meta.url === new URL(`file://${path.resolve(process.argv[1] ?? '')}`).href) {
  try {
    const { rpm, sha256 } = buildCliRpm();
    console.log(`${path.relative(process.cwd(), rpm)}\nsha256 ${sha256}`);
  } catch (e) {
    console.error(`package:cli-rpm: ${e.message}`);
    process.exitCode = 1;
  }
}
