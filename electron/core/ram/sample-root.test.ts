import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../testing/temp-sim.js';
import { DirSystem } from './dir-system.js';
import { pageCompressors, zsmallocClasses } from './page-cost.js';
import { sampleRoot } from './sample-root.js';

/** A tree with a known mix: `zeros` MiB of zero pages, `noise` MiB of random bytes, `text` MiB of repetitive text. */
async function tree(mix: { zeros: number; noise: number; text: number }, fileKiB = 1024): Promise<string> {
  const dir = await tempDir('qs-ram-');
  const MiB = fileKiB * 1024;
  const put = async (rel: string, data: Buffer) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), data);
  };
  for (let i = 0; i < mix.zeros; i++) await put(`var/zero/${i}.img`, Buffer.alloc(MiB));
  for (let i = 0; i < mix.noise; i++) await put(`usr/share/noise/${i}.bin`, randomBytes(MiB));
  const line = 'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\n';
  for (let i = 0; i < mix.text; i++)
    await put(`usr/share/doc/${i}.txt`, Buffer.from(line.repeat(Math.ceil(MiB / line.length)).slice(0, MiB)));
  await put('proc/cmdline', Buffer.from('should be skipped\n'));
  return dir;
}

async function sample(dir: string, maxPages = 65536) {
  const { compressors } = await pageCompressors();
  return sampleRoot(new DirSystem(dir), {
    compressors,
    zsmalloc: zsmallocClasses(8),
    maxPages,
    timeBudgetMs: 60_000,
  });
}

describe('sampleRoot', () => {
  it('costs zero pages nothing and random pages a full page', async () => {
    const r = await sample(await tree({ zeros: 4, noise: 4, text: 0 }));
    expect(r.stats.sampledPages).toBe(2048);
    expect(r.stats.sameFilledPages).toBe(1024);
    expect(r.lz4Ratio).toBeCloseTo(0.5, 2);
    expect(r.zstdRatio).toBeCloseTo(0.5, 2);
    expect(r.stats.complete).toBe(true);
  });

  it('estimates the whole tree from a bounded, deterministic sample', async () => {
    // 1200 files of 32 KiB: a quarter zeros, a quarter noise, half text.
    const dir = await tree({ zeros: 300, noise: 300, text: 600 }, 32);
    const full = await sample(dir);
    const part = await sample(dir, 2400);
    const again = await sample(dir, 2400);
    expect(full.stats.sampledPages).toBe(1200 * 8);
    expect(part.stats.sampledPages).toBeLessThan(3200);
    expect(part.lz4Ratio).toBe(again.lz4Ratio);
    // Horvitz–Thompson: the partial sample lands near the full answer (noise is 1/4 of the pages).
    expect(full.lz4Ratio).toBeGreaterThan(0.25);
    expect(Math.abs(part.lz4Ratio - full.lz4Ratio)).toBeLessThan(0.05);
  });

  it('skips unreadable files and stops at the time budget', async () => {
    const dir = await tree({ zeros: 0, noise: 1, text: 1 });
    const { compressors } = await pageCompressors();
    let t = 0;
    const r = await sampleRoot(new DirSystem(dir), {
      compressors,
      zsmalloc: zsmallocClasses(8),
      uid: 4242,
      timeBudgetMs: 1000,
      now: () => (t += 1),
    });
    expect(r.stats.walkedFiles).toBeGreaterThanOrEqual(0);
    const slow = await sampleRoot(new DirSystem(dir), {
      compressors,
      zsmalloc: zsmallocClasses(8),
      timeBudgetMs: 1,
      now: () => (t += 10),
    });
    expect(slow.stats.complete).toBe(false);
  });
});
