// electron-builder configuration of the GUI package: an x86_64 RPM for dom0 (`npm run package:gui-rpm`, on a
// machine that can download Electron). Validated without building by scripts/gui-package.test.ts.
// electron-builder loads this file as CommonJS, so the manifest is read with require'd modules.
/* eslint-disable @typescript-eslint/no-require-imports */
const { readFileSync } = require('node:fs');
const path = require('node:path');
/* eslint-enable @typescript-eslint/no-require-imports */

// The boot kit is exactly what the manifest lists (plus the manifest): no glob can pick up a test or miss an asset.
const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'assets', 'manifest.json'), 'utf8'));

/** The manifest's boot kit, the CLI bundle and zstd's WebAssembly: outside app.asar, in resources/. */
const resources = [
  { from: 'assets', to: 'assets', filter: ['manifest.json', ...manifest.files.map((f) => f.asset)] },
  { from: 'dist/cli', to: 'cli', filter: ['qubes-stateless.mjs'] },
  {
    from: 'node_modules/@bokuweb/zstd-wasm',
    to: 'node_modules/@bokuweb/zstd-wasm',
    filter: ['package.json', 'LICENSE*', 'dist/common/**/*.js', 'dist/common/zstd.wasm'],
  },
];

module.exports = {
  appId: 'io.github.qubes-stateless',
  productName: 'qubes-stateless',
  executableName: 'qubes-stateless-gui',
  copyright: 'GPL-3.0-or-later',
  directories: { output: 'release', buildResources: 'packaging' },
  // The bundles only: main, preload and renderer (sources, tests, maps and the rest of the checkout stay out).
  files: [
    'dist/electron/main.cjs',
    'dist/electron/preload.cjs',
    'dist/renderer/**/*',
    '!**/*.map',
    'package.json',
  ],
  extraResources: resources,
  asar: true,
  // Nothing is rebuilt or downloaded at install time; there are no native modules.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  removePackageScripts: true,
  removePackageKeywords: true,
  // No auto-update, no release feed: the app never talks to a network (dom0 has none).
  publish: null,
  electronFuses: {
    // On: /usr/bin/qubes-stateless (the CLI, and the boot-time session unit, which has no display) runs the
    // bundled Electron as Node (ELECTRON_RUN_AS_NODE), so dom0 needs no Node.js. The fuse guards signed binaries
    // whose identity carries OS permissions (macOS); on dom0 this binary is not setuid and has no capabilities,
    // so as Node it can do only what its user could with the Python already there.
    runAsNode: true,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    // Validation of app.asar is implemented on macOS and Windows only; on Linux the RPM's file digests
    // (rpm -V) are what checks it. Set so a future Linux implementation applies.
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: [{ target: 'rpm', arch: ['x64'] }],
    category: 'System',
    icon: 'packaging/icons',
    synopsis: 'Make a Qubes OS dom0 stateless (root in RAM), reversibly',
    description:
      'A wizard that turns a Qubes OS 4.2/4.3 dom0 into a stateless one as reviewed, journaled steps that roll back byte for byte. Includes the qubes-stateless command line.',
    maintainer: 'qubes-stateless <qubes-stateless@users.noreply.github.com>',
    vendor: 'qubes-stateless',
    desktop: {
      entry: {
        Name: 'Qubes Stateless',
        Comment: 'Run dom0 from RAM, safely and reversibly',
        Categories: 'System;Settings;',
        Terminal: 'false',
        StartupWMClass: 'qubes-stateless',
      },
    },
  },
  rpm: {
    packageName: 'qubes-stateless',
    // Electron's libraries (electron-builder's own default list for rpm, which `depends` replaces), then what the
    // app runs on dom0 (electron/core/system/binaries.ts).
    depends: [
      'gtk3',
      'libnotify',
      'nss',
      'libXScrnSaver',
      '(libXtst or libXtst6)',
      'at-spi2-core',
      '(libuuid or libuuid1)',
      'xdg-utils',
      'sudo',
      'util-linux',
      '/usr/bin/flock',
      'dracut',
      'xfsprogs',
      '/usr/sbin/grub2-mkconfig',
      '/usr/sbin/xl',
      '/usr/bin/qvm-ls',
    ],
    // Our own scripts instead of electron-builder's, which may make chrome-sandbox setuid root.
    afterInstall: 'packaging/gui-after-install.tpl',
    afterRemove: 'packaging/gui-after-remove.tpl',
    // The CLI on PATH, owned by the package (removed with it); it conflicts with the Node.js CLI package.
    fpm: [
      `${__dirname}/qubes-stateless-gui-cli.sh=/usr/bin/qubes-stateless`,
      '--conflicts',
      'qubes-stateless-cli',
    ],
    compression: 'xz',
  },
};
