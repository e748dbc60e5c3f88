import { defineConfig } from 'vitest/config';

// VM boot tests (npm run test:boot): QEMU/TCG boots of real dracut initramfs
// images. One file at a time, tests in order, long timeouts; each boot has its
// own wall-clock limit inside the harness as well.
//
// The real-chain scenarios (chain.test.ts: GRUB, Xen, a Qubes-layout disk) run on their own with
// `npm run test:chain` (QS_BOOT_CHAIN=1) and are not yet part of `npm test`: their sequence has not yet passed
// whole in one run here (issue 9 stays open until it does, in CI's time limit).
const chain = process.env.QS_BOOT_CHAIN === '1';
export default defineConfig({
  test: {
    include: chain ? ['e2e/boot/chain.test.ts'] : ['e2e/boot/**/*.test.ts'],
    exclude: chain ? [] : ['e2e/boot/chain.test.ts', '**/node_modules/**'],
    environment: 'node',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 300_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
  },
});
