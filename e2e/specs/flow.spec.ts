import { expect, test } from '@playwright/test';
import { simDigest } from '../../electron/testing/sim-digest.js';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { ChoosePage } from '../pages/choose-page.js';
import { closeSession, expectAccessible, screenshot } from '../pages/helpers.js';
import { ReviewPage } from '../pages/review-page.js';
import { ApplyPage } from '../pages/run-page.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { STEP_TITLES, WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

test('three steps to Done with the default choices: dom0 gains the stateless entry, the normal one is left as it was', async ({
  page,
}) => {
  session = await openRenderer(page, { profile: 'qubes-4.3' });
  const before = await simDigest(session.sim);
  const grubBefore = await session.sim.readText('/boot/grub2/grub.cfg');
  const defaultGrubBefore = await session.sim.readText('/etc/default/grub');
  const stockEntries = grubBefore.split('\n').filter((l) => l.startsWith('menuentry '));
  expect(stockEntries.length).toBeGreaterThan(0);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();

  await new WizardPage(page).applyWithDefaults();

  expect(await simDigest(session.sim)).not.toBe(before);
  const grubAfter = await session.sim.readText('/boot/grub2/grub.cfg');
  expect(grubAfter).toMatch(/^menuentry 'Qubes \(stateless: zram\), with Xen hypervisor'/m);
  // Every stock entry is still there, word for word; /etc/default/grub is not touched.
  for (const line of stockEntries) expect(grubAfter).toContain(line);
  expect(await session.sim.readText('/etc/default/grub')).toBe(defaultGrubBefore);
  expect(await session.sim.readText('/etc/qubes-stateless/grub.conf')).toContain('QS_MODES="zram"');
  expect(await session.sim.readText('/etc/grub.d/21_qubes_stateless')).toMatch(/^#!/);
  await expect(new ApplyPage(page).checks).toContainText('Qubes (stateless: zram), with Xen hypervisor');
});

for (const scheme of ['light', 'dark'] as const) {
  test(`every step passes axe and is pictured, ${scheme} theme: Check, Choose with More options, Review, Done`, async ({
    page,
  }) => {
    // An install with axe on four screens: near a minute on a busy 2-core machine.
    test.setTimeout(180_000);
    await page.emulateMedia({ colorScheme: scheme });
    session = await openRenderer(page, { profile: 'qubes-4.2' });
    const wizard = new WizardPage(page);
    expect(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches)).toBe(
      scheme === 'dark',
    );

    await expect(new SystemCheckPage(page).doctorSummary).toHaveText(/ 0 problems$/);
    await wizard.expectOn(STEP_TITLES['system-check']);
    await screenshot(page, `step-check-${scheme}`, { fullPage: false, top: true });
    await expectAccessible(page);

    await wizard.walk('system-check', 'choose');
    const choose = new ChoosePage(page);
    await expect(choose.verdict).toHaveAttribute('data-kind', 'fits');
    await screenshot(page, `step-choose-${scheme}`, { fullPage: false, top: true });
    await choose.openMoreOptions();
    await expectAccessible(page);
    // The meter stays in view with every section open, scrolled to the last one.
    await choose.section('ram').scrollIntoViewIfNeeded();
    await expect(choose.meter).toBeInViewport();
    await screenshot(page, `step-choose-more-${scheme}`, { fullPage: false });

    await wizard.walk('choose', 'review');
    const review = new ReviewPage(page);
    await expect(review.meaning('changes')).toContainText('Qubes (stateless: zram)');
    await screenshot(page, `step-review-${scheme}`, { fullPage: false, top: true });
    await review.openDiff('/etc/qubes-stateless/grub.conf');
    await expectAccessible(page);
    await review.apply();

    const apply = new ApplyPage(page);
    await wizard.expectOn(apply.title);
    await expect(apply.success).toBeVisible({ timeout: 60_000 });
    await screenshot(page, `step-done-${scheme}`, { fullPage: false, top: true });
    await expectAccessible(page);
  });
}
