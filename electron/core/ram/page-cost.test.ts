import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isSameFilled, PAGE, pageCompressors, zsmallocClasses } from './page-cost.js';

describe('zsmalloc size classes', () => {
  it('stores pages compressing past the first huge class uncompressed (chain 4: < 6.3 kernels, 8: Qubes)', () => {
    expect(zsmallocClasses(4).hugeFrom).toBe(3280);
    expect(zsmallocClasses(8).hugeFrom).toBe(3648);
    const z = zsmallocClasses(8);
    expect(z.costOf[PAGE]).toBe(PAGE);
    expect(z.costOf[3648]).toBe(PAGE);
    // Small objects cost at least their 16-byte class, never less than the bytes.
    for (let len = 1; len < z.hugeFrom; len++) expect(z.costOf[len]).toBeGreaterThanOrEqual(len);
    expect(z.costOf[1]).toBe(32);
  });
});

describe('page compressors', () => {
  it('same-filled pages are recognised (zram keeps only the word)', () => {
    expect(isSameFilled(new Uint8Array(PAGE))).toBe(true);
    const words = new Uint8Array(PAGE);
    for (let i = 0; i < PAGE; i += 8) words.set([1, 2, 3, 4, 5, 6, 7, 8], i);
    expect(isSameFilled(words)).toBe(true);
    words[100] = 0;
    expect(isSameFilled(words)).toBe(false);
  });

  it('lz4 and zstd shrink text and leave random bytes at a full page', async () => {
    const { compressors, zstdAvailable } = await pageCompressors();
    expect(zstdAvailable).toBe(true);
    const text = new Uint8Array(
      Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(100).slice(0, PAGE)),
    );
    expect(compressors.lz4(text)).toBeLessThan(300);
    expect(compressors.zstd(text)).toBeLessThan(compressors.lz4(text));
    const noise = new Uint8Array(randomBytes(PAGE));
    expect(compressors.lz4(noise)).toBeGreaterThanOrEqual(PAGE);
    expect(compressors.zstd(noise)).toBeGreaterThanOrEqual(PAGE);
  });
});
