import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';
import path from 'node:path';
import type { WizardChoicesInput } from '../../shared/choices.js';
import type { ApplyResult } from '../../shared/plan.js';
import type { RendererSession } from '../harness/renderer-harness.js';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../screenshots');

/** With UPDATE_SCREENSHOTS=1, write e2e/screenshots/<name>.png (the whole page, or the window for dialogs). */
export async function screenshot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean; top?: boolean } = {},
): Promise<void> {
  if (!process.env.UPDATE_SCREENSHOTS) return;
  // Fold the caret and hover so pictures do not depend on timing; a window picture shows the top of the page.
  await page.mouse.move(0, 0);
  if (opts.fullPage === false && opts.top) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({
    path: path.join(SCREENSHOTS, `${name}.png`),
    fullPage: opts.fullPage ?? true,
    caret: 'hide',
    animations: 'disabled',
  });
}

/** Zero axe violations on the page as it is now (WCAG 2.x A/AA and best practices). */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  expect(
    results.violations.map(
      (v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
  ).toEqual([]);
}

/** Install through the same handlers the UI calls (a fast setup for tests about what comes after an install). */
export async function applyThroughHandlers(
  session: RendererSession,
  choices: WizardChoicesInput,
): Promise<ApplyResult> {
  const planned = await session.handlers['plan:create']({ choices });
  if (!planned.ok) throw new Error(`plan:create failed: ${planned.error.message}`);
  const applied = await session.handlers['plan:apply']({ choices, digest: planned.value.digest });
  if (!applied.ok) throw new Error(`plan:apply failed: ${applied.error.message}`);
  return applied.value;
}

/** Make a finished transaction look interrupted, as after a crash: its journal file says "in-progress" again. */
export async function markUnfinished(session: RendererSession, id: string): Promise<void> {
  const file = `/var/lib/qubes-stateless/transactions/${id}.json`;
  const tx = JSON.parse(await session.sim.readText(file)) as { status: string };
  tx.status = 'in-progress';
  await session.sim.tree.writeAtomic(file, `${JSON.stringify(tx, null, 1)}\n`);
}

/** End a test's session; dispose() waits for calls still running, which log into the simulated dom0's directory. */
export async function closeSession(session: RendererSession | null): Promise<void> {
  await session?.dispose();
}
