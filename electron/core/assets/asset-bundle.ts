import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * The files we install into dom0, as bundled with the app, checked against assets/manifest.json before any
 * is used: a file whose SHA-256 or size differs from the manifest stops the plan.
 */
export const ManifestSchema = z.object({
  version: z.literal(1),
  files: z.array(
    z.object({
      asset: z.string().regex(/^[A-Za-z0-9_.\-/]+$/),
      installPath: z.string().regex(/^\/[A-Za-z0-9_.\-/]+$/),
      mode: z.string().regex(/^0[0-7]{3}$/),
      sha256: z.string().regex(/^[0-9a-f]{64}$/),
      bytes: z.number().int().nonnegative(),
    }),
  ),
});

export interface AssetFile {
  readonly asset: string;
  readonly installPath: string;
  readonly mode: number;
  readonly sha256: string;
  readonly content: string;
}

export interface AssetBundle {
  readonly dir: string;
  readonly files: readonly AssetFile[];
  byAsset(asset: string): AssetFile;
  /** Files whose install path lies below `dir` (e.g. the dracut module directory). */
  under(dir: string): AssetFile[];
}

export async function loadAssetBundle(dir: string): Promise<AssetBundle> {
  const manifestPath = path.join(dir, 'manifest.json');
  let manifest: z.infer<typeof ManifestSchema>;
  try {
    manifest = ManifestSchema.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
  } catch (e) {
    throw new AppError(
      'asset-mismatch',
      'internal',
      `the asset manifest ${manifestPath} is missing or invalid: ${(e as Error).message}`,
      { asset: 'manifest.json', expected: 'a valid manifest', actual: (e as Error).message },
    );
  }
  const files: AssetFile[] = [];
  for (const f of manifest.files) {
    const bytes = await readFile(path.join(dir, f.asset)).catch(() => null);
    const actual = bytes ? createHash('sha256').update(bytes).digest('hex') : 'missing';
    if (!bytes || actual !== f.sha256 || bytes.length !== f.bytes) {
      throw new AppError(
        'asset-mismatch',
        'internal',
        `bundled asset ${f.asset} does not match its manifest hash (expected ${f.sha256}, found ${actual})`,
        { asset: f.asset, expected: f.sha256, actual },
      );
    }
    files.push({
      asset: f.asset,
      installPath: f.installPath,
      mode: parseInt(f.mode, 8),
      sha256: f.sha256,
      content: bytes.toString('utf8'),
    });
  }
  return {
    dir,
    files,
    byAsset(asset) {
      const f = files.find((x) => x.asset === asset);
      if (!f)
        throw new AppError('asset-mismatch', 'internal', `asset ${asset} is not in the manifest`, {
          asset,
          expected: 'listed',
          actual: 'missing',
        });
      return f;
    },
    under(prefix) {
      return files.filter((f) => f.installPath.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
    },
  };
}
