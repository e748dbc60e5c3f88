import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, type Stats } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PATHS } from '../electron/core/tasks/paths.js';

/**
 * The GUI package cannot be built here (electron-builder downloads Electron). Its configuration is checked with
 * electron-builder's own code instead: its schema validation, and the file matchers it packs app.asar and the
 * extra resources with, run over this checkout.
 */
const ROOT = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
type Config = Record<string, unknown> & {
  electronFuses: Record<string, boolean>;
  rpm: { depends: string[]; fpm: string[]; afterInstall: string; afterRemove: string; packageName: string };
  linux: Record<string, unknown>;
  productName: string;
  executableName: string;
};
const config = require('../packaging/electron-builder.config.cjs') as Config;
const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration: (c: unknown, log: unknown) => Promise<void>;
};
type Matcher = { from: string; to: string; createFilter(): (file: string, stat: Stats) => boolean };
const { getMainFileMatchers, getFileMatchers } = require('app-builder-lib/out/fileMatcher.js') as {
  getMainFileMatchers: (
    appDir: string,
    dest: string,
    expand: (s: string) => string,
    opts: object,
    packager: object,
    outDir: string,
    compile: boolean,
  ) => Matcher[];
  getFileMatchers: (c: unknown, name: string, dest: string, opts: object) => Matcher[] | null;
};
const noLog = { isEnabled: false, add: () => undefined };
const expand = (s: string) => s;
const manifest = JSON.parse(readFileSync(path.join(ROOT, 'assets/manifest.json'), 'utf8')) as {
  files: { asset: string }[];
};

/** The files a matcher takes from its source folder, walked as electron-builder walks it (a refused folder is not entered). */
function packed(m: Matcher, skip = new Set(['node_modules', '.git', 'release'])): string[] {
  const filter = m.createFilter();
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (dir === m.from && skip.has(name)) continue;
      const stat = statSync(file);
      if (!filter(file, stat)) continue;
      if (stat.isDirectory()) walk(file);
      else out.push(path.relative(m.from, file));
    }
  };
  walk(m.from);
  return out.sort();
}

describe('the GUI package (electron-builder, x86_64 RPM)', () => {
  it("passes electron-builder's own schema validation, which does reject a misspelt option", async () => {
    await expect(validateConfiguration(config, noLog)).resolves.toBeUndefined();
    await expect(
      validateConfiguration({ ...config, electronFuses: { runAsNod: true } }, noLog),
    ).rejects.toThrow(/does not match the API schema/);
    expect(config.linux.target).toEqual([{ target: 'rpm', arch: ['x64'] }]);
  });

  it('packs into app.asar the built app only: no sources, tests, maps, assets or anything else of the checkout', () => {
    expect(
      existsSync(path.join(ROOT, 'dist/electron/main.cjs')),
      'dist/ is built by `npm ci` (prepare) and `npm run build`',
    ).toBe(true);
    const info = {
      projectDir: ROOT,
      buildResourcesDir: (config.directories as { buildResources: string }).buildResources,
      config,
      isPrepackedAppAsar: false,
      debugLogger: noLog,
    };
    const [main] = getMainFileMatchers(ROOT, '/app', expand, {}, { info }, path.join(ROOT, 'release'), false);
    const files = packed(main!);
    const renderer = readdirSync(path.join(ROOT, 'dist/renderer'))
      .filter((f) => !f.endsWith('.map'))
      .map((f) => `dist/renderer/${f}`);
    expect(files).toEqual(
      ['dist/electron/main.cjs', 'dist/electron/preload.cjs', ...renderer, 'package.json'].sort(),
    );
    expect(renderer).toEqual(
      expect.arrayContaining(['dist/renderer/index.html', 'dist/renderer/app.js', 'dist/renderer/app.css']),
    );
    // The one module main.cjs requires at run time comes in as a production dependency (electron-builder copies those).
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      main: string;
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies['@bokuweb/zstd-wasm']).toBeDefined();
    expect(files).toContain(pkg.main);
  });

  it('puts the boot kit exactly as the manifest lists it, the CLI bundle and zstd in resources/', () => {
    const matchers = getFileMatchers(config, 'extraResources', '/res', {
      macroExpander: expand,
      customBuildOptions: {},
      globalOutDir: path.join(ROOT, 'release'),
      defaultSrc: ROOT,
    })!;
    const byTarget = Object.fromEntries(
      matchers.map((m) => [path.relative('/res', m.to), packed(m, new Set())]),
    );
    expect(byTarget.assets).toEqual(['manifest.json', ...manifest.files.map((f) => f.asset)].sort());
    expect(byTarget.cli).toEqual(['qubes-stateless.mjs']);
    const zstd = byTarget['node_modules/@bokuweb/zstd-wasm']!;
    expect(zstd).toEqual(
      expect.arrayContaining(['package.json', 'dist/common/index.node.js', 'dist/common/zstd.wasm']),
    );
    expect(zstd.filter((f) => /\.(map|ts)$|^dist\/(web|esm)\//.test(f))).toEqual([]);
    // Where the packaged main process looks for them (electron/main/main.ts: resourcesPath/assets).
    expect(readFileSync(path.join(ROOT, 'electron/main/main.ts'), 'utf8')).toContain(
      "path.join(process.resourcesPath, 'assets')",
    );
  });

  it('sets the fuses of a privileged tool; runAsNode stays on only for the CLI, which the wrapper runs that way', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: true,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
      grantFileProtocolExtraPrivileges: false,
    });
    const [mapping] = config.rpm.fpm;
    const [src, dest] = mapping!.split('=');
    expect(dest).toBe(PATHS.sessionCli);
    const wrapper = readFileSync(src!, 'utf8');
    const app = `/opt/${config.productName}`;
    expect(wrapper).toContain(`app=${app}\n`);
    expect(wrapper).toMatch(/^ELECTRON_RUN_AS_NODE=1$/m);
    expect(wrapper).toContain(
      `exec "$app/${config.executableName}" "$app/resources/cli/qubes-stateless.mjs" "$@"`,
    );
    expect(wrapper).toContain('QUBES_STATELESS_ASSETS="$app/resources/assets"');
    expect(statSync(src!).mode & 0o111).not.toBe(0);
    if (existsSync('/usr/bin/shellcheck'))
      expect(spawnSync('/usr/bin/shellcheck', [src!], { encoding: 'utf8' }).stdout).toBe('');
  });

  it('has no network-facing code: no publish feed, no updater, no telemetry or remote loads in the bundles', () => {
    expect(config.publish).toBeNull();
    const pkg = readFileSync(path.join(ROOT, 'package.json'), 'utf8');
    expect(pkg).not.toMatch(/electron-updater|@sentry|update-electron-app|electron-log/);
    for (const bundle of ['dist/electron/main.cjs', 'dist/electron/preload.cjs']) {
      const code = readFileSync(path.join(ROOT, bundle), 'utf8');
      expect(code, bundle).not.toMatch(
        /autoUpdater|crashReporter\.start|net\.request\(|https?\.request\(|loadURL\(["'`]https?:/,
      );
    }
    expect(readFileSync(path.join(ROOT, 'electron/main/csp.ts'), 'utf8')).toContain(`"connect-src 'none'"`);
  });

  it('installs a desktop entry with an icon and its own install scripts (chrome-sandbox never setuid)', () => {
    const desktop = (config.linux.desktop as { entry: Record<string, string> }).entry;
    expect(desktop).toMatchObject({ Name: 'Qubes Stateless', Terminal: 'false' });
    const png = readFileSync(path.join(ROOT, 'packaging/icons/512x512.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(readFileSync(path.join(ROOT, 'packaging/icons/qubes-stateless.svg'), 'utf8')).toMatch(/^<svg /);
    const values = { executable: config.executableName, sanitizedProductName: config.productName };
    for (const tpl of [config.rpm.afterInstall, config.rpm.afterRemove]) {
      const script = readFileSync(path.join(ROOT, tpl), 'utf8').replace(
        /\$\{([a-zA-Z]+)\}/g,
        (_, k: string) => values[k as keyof typeof values],
      );
      expect(script).not.toMatch(/4755|chmod [u+]*s/);
      if (existsSync('/usr/bin/shellcheck'))
        expect(
          spawnSync('/usr/bin/shellcheck', ['-s', 'bash', '-'], { input: script, encoding: 'utf8' }).stdout,
          tpl,
        ).toBe('');
    }
    // The package's name is the one the CLI package's spec conflicts with.
    expect(readFileSync(path.join(ROOT, 'packaging/qubes-stateless-cli.spec'), 'utf8')).toMatch(
      new RegExp(`^Conflicts:\\s+${config.rpm.packageName}$`, 'm'),
    );
  });
});
