import { defineConfig } from 'vitest/config';

// VM boot tests (npm run test:boot): QEMU/TCG boots of real dracut initramfs
// images. One file at a time, tests in order, long timeouts; each boot has its
// own wall-clock limit inside the harness as well.
export default defineConfig({
  test: {
    include: ['e2e/boot/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 300_000,
    hookTimeout: 600_000,
    reporters: ['verbose'],
  },
});
