import { expect, test } from '@playwright/test';
import { simDigest } from '../../electron/testing/sim-digest.js';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { applyThroughHandlers, closeSession, expectAccessible, screenshot } from '../pages/helpers.js';
import { ReviewPage } from '../pages/review-page.js';
import { StatusPage } from '../pages/status-page.js';
import { WizardPage } from '../pages/wizard-page.js';

/**
 * A dom0 set up earlier from a forum recipe: the Check screen lists what the recipe left and what will happen to
 * each, the plan (with its migration task) is applied, Status & rollback undoes it, and the simulated dom0 is
 * byte for byte the recipe's install again.
 */

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

const CHOICES = { dom0: { mode: 'zram' as const } };

const PROFILES = [
  {
    forum: 'xuy',
    heading: 'Qubes in tmpfs',
    leftovers: [
      ['/usr/lib/dracut/modules.d/01ramboot', 'disabled', 'Taken out of use'],
      ['/etc/dracut.conf.d/ramboot.conf', 'disabled', 'Taken out of use'],
      ['/etc/grub.d/40_custom', 'removed', 'Removed'],
      ['/etc/default/grub', 'kept', 'Kept'],
      ['/etc/fstab', 'kept', 'Kept'],
    ],
    gone: "menuentry 'Qubes in tmpfs'",
  },
  {
    forum: 'ramlovingpenguin',
    heading: 'live modes',
    leftovers: [
      ['/usr/lib/dracut/modules.d/90livemode', 'disabled', 'Taken out of use'],
      ['/etc/dracut.conf.d/livemode.conf', 'disabled', 'Taken out of use'],
      ['/etc/grub.d/40_custom', 'removed', 'Removed'],
      ['/etc/grub.d/40_custom', 'removed', 'Removed'],
      ['/etc/systemd/system/rw.service', 'disabled', 'Taken out of use'],
      ['/var/lib/qubes/rampool', 'kept', 'Kept'],
      ['pool:vm-pool', 'kept', 'Kept'],
    ],
    gone: 'Qubes live mode',
  },
  {
    forum: 'leandroibov',
    heading: 'ephemeral.sh',
    leftovers: [
      ['/usr/lib/dracut/modules.d/01ramboot', 'disabled', 'Taken out of use'],
      ['/etc/dracut.conf.d/ramboot.conf', 'disabled', 'Taken out of use'],
      ['/etc/default/grub', 'kept', 'Kept'],
      ['/etc/fstab', 'kept', 'Kept'],
      ['/etc/default/grub.bak', 'kept', 'Kept'],
      ['/etc/fstab.bak', 'kept', 'Kept'],
    ],
    gone: null,
  },
] as const;

for (const p of PROFILES) {
  test(`${p.forum}: the Check screen lists the forum leftovers, the migration applies and rolls back to the recipe's bytes`, async ({
    page,
  }) => {
    session = await openRenderer(page, { forum: p.forum });
    const start = await simDigest(session.sim);
    const panel = page.getByTestId('forum-install');
    await expect(panel).toBeVisible();
    await expect(panel).toHaveAttribute('data-family', p.forum);
    await expect(panel).toHaveAttribute('data-migrated', 'false');
    await expect(panel).toContainText(p.heading);
    const rows = panel.getByTestId('forum-leftover');
    await expect(rows).toHaveCount(p.leftovers.length);
    for (const [i, [path, fate, words]] of p.leftovers.entries()) {
      await expect(rows.nth(i)).toHaveAttribute('data-path', path);
      await expect(rows.nth(i)).toHaveAttribute('data-fate', fate);
      await expect(rows.nth(i)).toContainText(words);
    }
    await expectAccessible(page);
    await screenshot(page, `forum-${p.forum}`);

    // The plan holds the migration task, like every task.
    const planned = await session.handlers['plan:create']({ choices: CHOICES });
    if (!planned.ok) throw new Error(planned.error.message);
    expect(
      planned.value.plan.tasks.find((t) => t.id === 'forum-migration')?.operations.length,
    ).toBeGreaterThan(0);
    await applyThroughHandlers(session, CHOICES);
    const image = (await session.sim.readFile('/boot/initramfs-6.6.63-1.qubes.fc37.x86_64.img')).subarray(
      0,
      4096,
    );
    expect(image.toString('latin1')).not.toMatch(/^modules=.*\b(ramboot|livemode)\b/m);
    if (p.gone) expect(await session.sim.readText('/boot/grub2/grub.cfg')).not.toContain(p.gone);

    await page.reload();
    await expect(panel).toHaveAttribute('data-migrated', 'true');
    await expect(panel).toContainText('has been moved into this tool');
    await page.getByTestId('open-status').click();
    const status = new StatusPage(page);
    await expect(status.installedTx).toHaveCount(1);
    await status.startRollback.click();
    await expect(status.noConflicts).toBeVisible();
    await status.rollback();
    await expect(status.nothingInstalled).toBeVisible();
    expect(await simDigest(session.sim)).toBe(start);
  });
}

test('the migration is offered, not imposed: unticked, the Review has no migration task; ticked again, it has', async ({
  page,
}) => {
  session = await openRenderer(page, { forum: 'xuy' });
  const wizard = new WizardPage(page);
  const migrate = page.getByTestId('forum-migrate');
  await expect(migrate).toBeChecked();
  await migrate.uncheck();
  await wizard.walk('system-check', 'review');
  const review = new ReviewPage(page);
  await expect(review.task('dracut-module')).toBeVisible();
  await expect(review.task('forum-migration')).toHaveCount(0);
  await wizard.railStep('system-check').click();
  await expect(migrate).not.toBeChecked();
  await migrate.check();
  await wizard.walk('system-check', 'review');
  await expect(review.task('forum-migration')).toBeVisible();
});
