import { defineConfig } from 'vitest/config';

// VM boot tests (npm run test:boot, part of npm test): QEMU/TCG boots of real dracut initramfs images, the
// direct-kernel ones (stateless.test.ts, grub.test.ts) and the real chain (chain.test.ts: GRUB, Xen, a
// Qubes-layout disk). One file at a time, tests in order, long timeouts; each boot has its own wall-clock
// limit inside the harness as well. `npm run test:chain` (QS_BOOT_CHAIN=1) runs the real chain alone.
const chainOnly = process.env.QS_BOOT_CHAIN === '1';
export default defineConfig({
  test: {
    include: chainOnly ? ['e2e/boot/chain.test.ts'] : ['e2e/boot/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    environment: 'node',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 300_000,
    hookTimeout: 3_600_000,
    reporters: ['verbose'],
  },
});
