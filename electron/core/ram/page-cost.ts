import { createRequire } from 'node:module';
import lz4 from 'lz4js';

/**
 * What zram pays, in bytes of RAM, for one 4 KiB page: each page is compressed on its own
 * (drivers/block/zram/zram_drv.c zram_write_page), stored in zsmalloc's size classes, kept uncompressed when
 * it does not shrink below zsmalloc's huge class, and costs nothing when it is one repeated word (ZRAM_SAME).
 */

export const PAGE = 4096;

/**
 * zsmalloc size classes (mm/zsmalloc.c): sizes from 32 bytes in steps of PAGE >> 8 = 16, each class packing
 * objects into zspages of 1..chain pages, picking the page count that wastes least. A class with one object
 * in one page is "huge"; zram stores any page compressing to at least the first huge size uncompressed.
 * chain is CONFIG_ZSMALLOC_CHAIN_SIZE: 8 on Qubes kernels (config-base), 4 on kernels before 6.3.
 */
export interface ZsmallocClasses {
  readonly hugeFrom: number;
  /** RAM per object for each compressed length 0..PAGE (class zspage bytes ÷ objects per zspage). */
  readonly costOf: Float64Array;
}

export function zsmallocClasses(chain = 8): ZsmallocClasses {
  const costOf = new Float64Array(PAGE + 1);
  let hugeFrom = PAGE;
  const perClass = new Map<number, number>();
  for (let size = 32; size <= PAGE; size += 16) {
    let best = 0;
    let pages = 1;
    for (let k = 1; k <= chain; k++) {
      const bytes = k * PAGE;
      const pct = Math.floor((Math.floor(bytes / size) * size * 100) / bytes);
      if (pct > best) {
        best = pct;
        pages = k;
      }
    }
    const objs = Math.floor((pages * PAGE) / size);
    if (objs === 1 && pages === 1 && hugeFrom === PAGE) hugeFrom = size;
    perClass.set(size, (pages * PAGE) / objs);
  }
  for (let len = 0; len <= PAGE; len++) {
    const size = Math.max(32, Math.ceil(len / 16) * 16);
    costOf[len] = len >= hugeFrom ? PAGE : perClass.get(size)!;
  }
  return { hugeFrom, costOf };
}

/** A page that is one 8-byte word repeated (zeros included): zram keeps only the word in its table. */
export function isSameFilled(page: Uint8Array): boolean {
  const w = new BigUint64Array(page.buffer, page.byteOffset, PAGE / 8);
  const first = w[0];
  for (let i = 1; i < w.length; i++) if (w[i] !== first) return false;
  return true;
}

export interface PageCompressors {
  /** Compressed length of one page with the kernel's LZ4 (LZ4_compress_default, acceleration 1). */
  lz4(page: Uint8Array): number;
  /** Compressed length with zstd at level 3, the zram/crypto default (ZSTD_defaultCLevel). */
  zstd(page: Uint8Array): number;
}

/**
 * lzo-rle has no maintained JS implementation. On 1334 pages of Debian binaries and text, liblzo2's
 * LZO1X-1 (what lzo-rle extends with zero-run coding) produced 0.934 × liblz4's bytes; we scale lz4 by that.
 * The bench boots the same root with lzo-rle and reports the error.
 */
export const LZO_RLE_PER_LZ4 = 0.934;

type ZstdModule = { init(): Promise<void>; compress(buf: Uint8Array, level?: number): Uint8Array };
let zstdReady: Promise<ZstdModule> | null = null;

/**
 * @bokuweb/zstd-wasm (libzstd compiled to WebAssembly) loads its .wasm from its own directory, so it is
 * required at run time from node_modules rather than bundled (a bundled copy would lose that directory).
 */
async function loadZstd(): Promise<ZstdModule> {
  const req = typeof require === 'function' ? require : createRequire(import.meta.url);
  const name = '@bokuweb/zstd-wasm';
  const mod = req(name) as ZstdModule;
  await mod.init();
  return mod;
}

/** The compressors, ready to use; zstd is null when its WebAssembly module cannot be loaded. */
export async function pageCompressors(): Promise<{ compressors: PageCompressors; zstdAvailable: boolean }> {
  zstdReady ??= loadZstd();
  const zstd = await zstdReady.catch(() => {
    zstdReady = null;
    return null;
  });
  const hash = new Uint32Array(1 << 16);
  const dst = new Uint8Array(lz4.compressBound(PAGE));
  return {
    zstdAvailable: zstd !== null,
    compressors: {
      lz4(page) {
        hash.fill(0);
        const n = lz4.compressBlock(page, dst, 0, page.length, hash);
        // lz4js returns 0 for input it cannot shrink; the kernel then stores the page as is.
        return n === 0 ? PAGE : n;
      },
      zstd(page) {
        return zstd ? zstd.compress(page, 3).length : PAGE;
      },
    },
  };
}
