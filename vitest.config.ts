import { defineConfig } from 'vitest/config';

// Unit and integration tests live beside the code; VM boot tests have their own config (e2e/boot).
export default defineConfig({
  test: {
    include: [
      'electron/**/*.test.ts',
      'shared/**/*.test.ts',
      'renderer/**/*.test.{ts,tsx}',
      'scripts/**/*.test.ts',
      'assets/**/*.test.ts',
    ],
    environment: 'node',
    testTimeout: 30_000,
  },
});
