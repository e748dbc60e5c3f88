/**
 * Every number the RAM model uses, with where it comes from. "Qubes source" means QubesOS/qubes-core-admin at
 * release4.2 / release4.3 unless said otherwise; "kernel" means Linux as built by QubesOS/qubes-linux-kernel
 * (config-base). Values marked ASSUMPTION are design choices, checked by `npm run bench:ram` where they can be.
 * All sizes are MiB unless the name says otherwise.
 */

/** qmemman defaults (etc/qmemman.conf `[global]`, qubes/qmemman/algo.py); the model reads the machine's own file. */
export const QMEMMAN_DEFAULTS = {
  /** `cache-margin-factor`: qmemman's preferred memory is used × this. */
  cacheMarginFactor: 1.3,
  /** `dom0-mem-boost`: added to dom0's preferred memory only. */
  dom0MemBoostMiB: 350,
  /** `vm-min-mem`: the floor qmemman keeps an ordinary qube at. */
  vmMinMemMiB: 200,
} as const;

/** qmemman keeps this much of Xen's memory free at all times (qubes/qmemman/systemstate.py XEN_FREE_MEM_LEFT). */
export const XEN_FREE_MEM_LEFT_MIB = 50;

/**
 * Xen's own frame table: one 32-byte `struct page_info` per 4 KiB page of host memory on x86-64
 * (xen/arch/x86/include/asm/mm.h), i.e. 1/128 of `xl info` total_memory. DERIVED: Xen's heap and per-domain
 * structures come on top and are covered by the per-qube overheads below.
 */
export const XEN_FRAME_TABLE_DIVISOR = 128;

/**
 * What qubesd asks qmemman for when it starts a qube (qubes/vm/qubesvm.py `request_mem`, 4.2 and 4.3):
 * `memory` + (HVM: stubdomain 128 MiB for the Linux stubdom "from libxl_create.c" + 16 MiB video RAM)
 * + MEM_OVERHEAD_BASE (3+1 MiB) + vcpus × MEM_OVERHEAD_PER_VCPU (1.5 MiB); on 4.3 also, for non-PV qubes,
 * 8 KiB per MiB of maxmem (or of memory when maxmem is 0) for Xen's paging pool.
 */
export const QUBE_OVERHEAD = {
  baseMiB: 4,
  perVcpuMiB: 1.5,
  /** `vcpus` default (qubes/vm/qubesvm.py); facts do not carry per-qube vcpus. */
  defaultVcpus: 2,
  hvmStubdomMiB: 128 + 16,
  /** 4.3 only: 8192 bytes per MiB of maxmem = maxmem / 128. */
  pagingDivisor43: 128,
} as const;

/** Default initial memory of a new qube (qubes/config.py defaults `memory` = 400). */
export const DEFAULT_QUBE_MEMORY_MIB = 400;

/**
 * The verdict is "tight" when, after dom0 and the autostart qubes, there is no room to start this many more
 * default qubes (a couple of app qubes and a disposable: a typical stateless session). ASSUMPTION.
 */
export const TIGHT_SPARE_QUBES = 4;

/** Qubes system requirements (qubes-doc user/hardware/system-requirements.rst): minimum 6 GB, recommended 16 GB. */
export const HOST_MINIMUM_MIB = 6 * 1024;
export const HOST_RECOMMENDED_MIB = 16 * 1024;

/**
 * dom0's memory use besides its root when it cannot be measured (not a persistent boot, or no /proc/meminfo):
 * the installer's floor for dom0, `dom0_mem=min:1024M` (qubes-anaconda qubesos.conf). When measured, the figure
 * is what qmemman's meminfo-writer reports: MemTotal − MemFree − Buffers − Cached + SwapTotal − SwapFree
 * (QubesOS/qubes-linux-utils qmemman/meminfo-writer.c).
 */
export const TYPICAL_DOM0_USED_MIB = 1024;

/**
 * RAM budgeted for what a session writes to the root (logs under /var/log/qubes and /var/log/xen, qubes.xml,
 * caches in /home, appmenus). journald is already capped to 64 MiB in /run by the boot kit. Also the size cap
 * of the overlay's upper tmpfs and the growth room of the tmpfs/zram root. ASSUMPTION (a day of use; dom0
 * updates in a stateless session are not budgeted: they are lost anyway and the wizard says so).
 */
export const SESSION_WRITES_MIB = 1024;

/**
 * Kernel memory per tmpfs inode (shmem inode ~0.7 KiB + dentry 192 B + small xattrs), rounded up; the same
 * figure as the boot kit's QS_TMPFS_INODE_KIB (assets/dracut/90qubes-stateless/qubes-stateless-setup.sh).
 */
export const TMPFS_INODE_KIB = 1;

/** zram keeps a 16-byte table entry (handle + flags) per 4 KiB page of disksize (drivers/block/zram/zram_drv.h;
 * CONFIG_ZRAM_MEMORY_TRACKING, which adds 8 bytes, is off in Qubes' config-base). */
export const ZRAM_TABLE_BYTES_PER_PAGE = 16;

/**
 * ext4 on the zram root, as the boot kit makes it (mke2fs -O ^has_journal -I 256 -N used×2+65536, lazy inode
 * tables): 256-byte inodes, of which only the used ones' table blocks are ever written (unwritten zram pages
 * cost nothing). Inode-table blocks compress about 4:1 (mostly zero fields). DERIVED from mke2fs options;
 * the 0.25 is an ASSUMPTION checked by the bench.
 */
export const EXT4_INODE_BYTES = 256;
export const EXT4_INODE_TABLE_RATIO = 0.25;
/** Group descriptors, bitmaps, root directory, lost+found: small and fixed (bench: total ext4 metadata on a 431 MiB root stayed under the sampling error). ASSUMPTION. */
export const EXT4_FIXED_OVERHEAD_MIB = 4;

/**
 * Inodes per MiB of used root when `du --inodes` is not available: a Fedora dom0 root has ~300k inodes for
 * ~7 GiB used (≈ 40 per MiB). ASSUMPTION.
 */
export const TYPICAL_INODES_PER_MIB = 40;

/**
 * The RAM pool: XFS (reflink=1) on a zram device. mkfs.xfs zeroes its log (zero pages cost nothing in zram);
 * metadata actually written (AG headers, inode chunks, btrees) stays small. ASSUMPTION.
 */
export const XFS_OVERHEAD_MIB = 32;
/** Room in the RAM pool, beyond the clones, for what disposables write (reflink copy-on-write). ASSUMPTION. */
export const RAM_POOL_DISPOSABLE_ROOM_MIB = 2048;
/** RAM budgeted for disposables' writes in the pool (uncompressed MiB; compressed by the ratio). ASSUMPTION. */
export const RAM_POOL_WRITES_MIB = 1024;

/**
 * What the running kernel takes from dom0's allocation before the root is copied: its page array (64-byte
 * `struct page` per 4 KiB page = 1/64) plus the kernel image, the unpacked initramfs (Qubes images are
 * 40–70 MB compressed) and early allocations. The boot kit compares MemAvailable − reserve with its own
 * estimate of the root, so the recommended dom0_mem must leave this much on top. 1/64: DERIVED
 * (include/linux/mm_types.h); 256 MiB: ASSUMPTION, compared with MemTotal by the bench.
 */
export const KERNEL_PAGE_ARRAY_DIVISOR = 64;
export const KERNEL_FIXED_OVERHEAD_MIB = 256;

/*
 * The boot kit's numbers below are owned by the boot kit: the QS_* assignments at the top of
 * assets/dracut/90qubes-stateless/qubes-stateless-setup.sh are what runs at boot, and these mirror them for
 * the model (the simulator runs the script itself: electron/sim/boot-kit-check.ts). assets/boot-kit-constants.test.ts parses the script and fails when either side
 * changes alone (BOOT_KIT_FROM_SHELL names each pair).
 */
export const BOOT_KIT_FROM_SHELL = {
  QS_DEFAULT_RESERVE_MIB: 'BOOT_KIT_DEFAULT_RESERVE_MIB',
  QS_ZRAM_EST_PCT: 'BOOT_KIT_ZRAM_ESTIMATE_PCT',
  QS_TMPFS_INODE_KIB: 'TMPFS_INODE_KIB',
  QS_OVERLAY_MIN_MIB: 'BOOT_KIT_OVERLAY_MIN_MIB',
  QS_MAX_STREAMS: 'BOOT_KIT_MAX_STREAMS',
  QS_PARALLEL_MIN_MIB: 'BOOT_KIT_PARALLEL_MIN_MIB',
} as const;

/**
 * The boot kit's own pre-copy estimate of zram RAM per byte of root, in percent (QS_ZRAM_EST_PCT in
 * assets/dracut/90qubes-stateless/qubes-stateless-setup.sh): it refuses to start when that estimate plus
 * `reserve` exceeds MemAvailable, so the recommendation must satisfy it even when our measured ratio is lower.
 */
export const BOOT_KIT_ZRAM_ESTIMATE_PCT = 50;
/** The boot kit's `rd.qubes.stateless.reserve` default (QS_DEFAULT_RESERVE_MIB). */
export const BOOT_KIT_DEFAULT_RESERVE_MIB = 1024;
/** The boot kit's minimum room for the overlay's upper layer (QS_OVERLAY_MIN_MIB). */
export const BOOT_KIT_OVERLAY_MIN_MIB = 64;
/**
 * The most parallel copy streams of the boot kit (QS_MAX_STREAMS; also the largest rd.qubes.stateless.streams)
 * and the root size below which it copies in one stream (QS_PARALLEL_MIN_MIB). The benchmark's scaling
 * estimate stops at the former.
 */
export const BOOT_KIT_MAX_STREAMS = 8;
export const BOOT_KIT_PARALLEL_MIN_MIB = 512;

/**
 * Typical zram ratios (RAM used by zram ÷ bytes stored, zsmalloc overhead and incompressible pages included)
 * for a Linux system root, used when the root cannot be sampled. Measured with this project's sampler
 * (electron/core/ram/sample-root.ts, zsmalloc chain 8) over a Debian 12 root (/usr 6.7 GiB, /var 2.6 GiB with
 * apt's cache of .deb files, /etc): 62k pages of 347 files among 134k. On the bench's 431 MiB root the same
 * sampler gave zstd 51.8 % against 51.1 % measured by zram. Likely pessimistic for a dom0 root (no package
 * cache), which errs on the side of more RAM.
 */
export const TYPICAL_RATIOS = { lz4: 0.66, zstd: 0.56, 'lzo-rle': 0.62 } as const;
/** How far off a typical ratio may be for a given machine (±), for the "tight" verdict. ASSUMPTION. */
export const TYPICAL_RATIO_UNCERTAINTY = 0.3;

/** The kernel's zram default compressor on Qubes kernels (CONFIG_ZRAM_DEF_COMP="lzo-rle", config-base). */
export const KERNEL_DEFAULT_ZRAM_COMP = 'lzo-rle';

/** Fedora's zram-generator default on 4.3 dom0: `zram-size = min(ram, 8192)` (zram-generator-defaults). */
export const ZRAM_SWAP_MAX_MIB = 8192;

/** Granularity of recommended sizes, so the kernel command line does not change with every probe. */
export const DOM0_MEM_STEP_MIB = 128;
export const SIZE_STEP_MIB = 256;
