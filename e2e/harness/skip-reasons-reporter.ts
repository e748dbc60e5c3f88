import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

/**
 * The list reporter counts skipped tests but does not say why. This one prints each skipped test with the
 * reason it gave (`test.skip(condition, reason)`), so a skip in CI output is never silent.
 */
export default class SkipReasonsReporter implements Reporter {
  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status !== 'skipped') return;
    const reason = test.annotations.find((a) => a.type === 'skip')?.description ?? 'no reason given';
    console.log(`skipped: ${test.titlePath().filter(Boolean).join(' › ')} — ${reason}`);
  }

  printsToStdio(): boolean {
    return true;
  }
}
