// The manifest must describe exactly the assets in the tree: a changed,
// added or removed asset without `npm run manifest` fails here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ASSETS_DIR,
  MANIFEST_PATH,
  buildManifest,
  serializeManifest,
  type Manifest,
} from '../scripts/gen-manifest.js';

const committed = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as Manifest;

describe('assets/manifest.json', () => {
  it('is exactly what scripts/gen-manifest.ts generates from the assets (run `npm run manifest`)', () => {
    expect(readFileSync(MANIFEST_PATH, 'utf8')).toBe(serializeManifest(buildManifest()));
  });

  it('has the format the install task reads', () => {
    expect(committed.version).toBe(1);
    for (const f of committed.files) {
      expect(Object.keys(f).sort()).toEqual(['asset', 'bytes', 'installPath', 'mode', 'sha256']);
      expect(f.asset).toMatch(/^[A-Za-z0-9_.\-/]+$/);
      expect(f.installPath).toMatch(/^\/[A-Za-z0-9_.\-/]+$/);
      expect(f.mode).toMatch(/^0[0-7]{3}$/);
      const bytes = readFileSync(join(ASSETS_DIR, f.asset));
      expect(f.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(f.bytes).toBe(bytes.length);
    }
  });

  it('installs the module, the dracut snippet and the GRUB script where dom0 expects them', () => {
    const byPath = new Map(committed.files.map((f) => [f.installPath, f]));
    const m = '/usr/lib/dracut/modules.d/90qubes-stateless/';
    for (const name of [
      'module-setup.sh',
      'qubes-stateless-cmdline.sh',
      'qubes-stateless-pre-pivot.sh',
      'qubes-stateless-setup.sh',
      'fsck-stateless.conf',
    ]) {
      expect(byPath.has(m + name), name).toBe(true);
    }
    expect(byPath.get(`${m}qubes-stateless-setup.sh`)?.mode).toBe('0755');
    expect(byPath.get('/etc/dracut.conf.d/90-qubes-stateless.conf')?.mode).toBe('0644');
    expect(byPath.get('/etc/grub.d/21_qubes_stateless')?.mode).toBe('0755');
    // Per-user values are written by the app, never shipped as an asset.
    expect([...byPath.keys()].some((p) => p.startsWith('/etc/qubes-stateless/'))).toBe(false);
  });
});
