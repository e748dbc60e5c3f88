import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// VM boot tests (npm run test:boot, part of npm test): QEMU/TCG boots of real dracut initramfs images, the
// direct-kernel ones (stateless.test.ts), the GRUB script tests (grub.test.ts) and the real boot chain
// (chain.test.ts: firmware, GRUB, Xen, a Qubes-layout disk). One file at a time, tests in order, long timeouts;
// each boot has its own wall-clock limit inside the harness as well. `npm run test:chain` runs the chain alone.
const chainOnly = process.env.QS_BOOT_CHAIN === '1';

/** The quick suites first, the chain's long boots after them (a failure there then comes with the others' results). */
class ChainLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const isChain = (f: TestSpecification) => f.moduleId.endsWith('chain.test.ts');
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => !isChain(f)), ...sorted.filter(isChain)];
  }
}

export default defineConfig({
  test: {
    include: chainOnly ? ['e2e/boot/chain.test.ts'] : ['e2e/boot/**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    sequence: { concurrent: false, sequencer: ChainLast },
    environment: 'node',
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 3_600_000,
    reporters: ['verbose'],
  },
});
