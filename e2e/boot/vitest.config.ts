import { defineConfig } from 'vitest/config';

// VM boot tests (npm run test:boot, part of npm test): QEMU/TCG boots of real dracut initramfs images, the
// direct-kernel ones (stateless.test.ts) and the GRUB script tests (grub.test.ts). One file at a time, tests in
// order, long timeouts; each boot has its own wall-clock limit inside the harness as well.
//
// The real-chain scenarios (chain.test.ts: GRUB, Xen, a Qubes-layout disk) run with `npm run test:chain`
// (QS_BOOT_CHAIN=1) and are not yet part of `npm test`: the whole sequence has not yet passed in one run after
// the menu-key fix, and a red chain would keep every other change from landing. Issue 9 stays open until it has.
const chain = process.env.QS_BOOT_CHAIN === '1';
export default defineConfig({
  test: {
    include: chain ? ['e2e/boot/chain.test.ts'] : ['e2e/boot/**/*.test.ts'],
    exclude: chain ? ['**/node_modules/**'] : ['e2e/boot/chain.test.ts', '**/node_modules/**'],
    environment: 'node',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 300_000,
    hookTimeout: 3_600_000,
    reporters: ['verbose'],
  },
});
