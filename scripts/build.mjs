// Bundles the four outputs: the Electron main process and preload (CommonJS, Electron loads them),
// the CLI (an ES module for plain Node), and the renderer (one browser script plus its CSS and HTML).
import { build } from 'esbuild';
import { chmod, copyFile, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist');
const common = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'none',
};

/**
 * The CLI as one ES module for plain Node: dom0's Node.js is 18 on Fedora 37 and 22 on Fedora 41 (see
 * packaging/qubes-stateless-cli.spec), so the syntax target is Node 18.18. The CLI package's test bundles it
 * with these same options into a directory of its own.
 */
export function cliBuildOptions(outfile = 'dist/cli/qubes-stateless.mjs') {
  return {
    ...common,
    entryPoints: ['electron/cli/bin.ts'],
    outfile,
    platform: 'node',
    format: 'esm',
    target: 'node18.18',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __qsCreateRequire } from 'node:module';\nconst require = __qsCreateRequire(import.meta.url);",
    },
  };
}

async function buildAll() {
  await rm(out, { recursive: true, force: true });
  await Promise.all([
    build({
      ...common,
      entryPoints: ['electron/main/main.ts'],
      outfile: 'dist/electron/main.cjs',
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      external: ['electron'],
    }),
    build({
      ...common,
      entryPoints: ['electron/preload/preload.ts'],
      outfile: 'dist/electron/preload.cjs',
      platform: 'node',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
    }),
    build(cliBuildOptions()),
    build({
      ...common,
      entryPoints: ['renderer/src/main.tsx'],
      outfile: 'dist/renderer/app.js',
      platform: 'browser',
      format: 'iife',
      target: 'chrome130',
      minify: true,
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
    }),
  ]);
  await mkdir(path.join(out, 'renderer'), { recursive: true });
  await copyFile(path.join(root, 'renderer/index.html'), path.join(out, 'renderer/index.html'));
  await copyFile(path.join(root, 'renderer/src/app.css'), path.join(out, 'renderer/app.css'));
  await chmod(path.join(out, 'cli/qubes-stateless.mjs'), 0o755);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildAll();
