import { expect, test, type Page } from '@playwright/test';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { applyThroughHandlers, closeSession, expectAccessible, screenshot } from '../pages/helpers.js';
import { StatusPage } from '../pages/status-page.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

const GRUB_CONF = '/etc/qubes-stateless/grub.conf';
const SESSION_JSON = '/etc/qubes-stateless/session.json';
const CHOICES = {
  dom0: { mode: 'zram' as const },
  ramPool: { enabled: true, sizeMiB: null },
  templates: [{ template: 'debian-12-xfce' }],
};

/** Installed through the handlers, then to Status & rollback's conflicts (no wizard steps walked). */
async function rollbackConflicts(
  page: Page,
  edit: (s: RendererSession) => Promise<void>,
): Promise<StatusPage> {
  session = await openRenderer(page);
  await applyThroughHandlers(session, CHOICES);
  await edit(session);
  await page.reload();
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.statusButton.click();
  const status = new StatusPage(page);
  await wizard.expectOn(status.title);
  await status.startRollback.click();
  return status;
}

test('a conflict shows the diff from the file as installed to the file now, before a choice is made', async ({
  page,
}) => {
  let installed = '';
  const status = await rollbackConflicts(page, async (s) => {
    installed = await s.sim.readText(GRUB_CONF);
    await s.sim.writeFileAtomic(GRUB_CONF, '# edited by hand\nQS_MODES="tmpfs"\n');
  });
  const conflict = status.conflict(GRUB_CONF);
  const diff = conflict.getByTestId('conflict-diff');
  await expect(diff).toHaveAttribute('data-against', 'installed');
  await expect(diff).toContainText('lines marked − are as the install left them');
  // Open by default: visible without a click, next to the options it informs.
  const body = diff.locator('.diff-body');
  await expect(body).toBeVisible();
  await expect(body).toContainText('+# edited by hand');
  await expect(body).toContainText('+QS_MODES="tmpfs"');
  const gone = installed.split('\n').find((l) => l.startsWith('QS_DOM0_MEM_MAX_MIB='))!;
  await expect(body).toContainText(`-${gone}`);
  // The renderer only asked for the preview: it never named a file to read.
  expect(session!.calls.filter((c) => c.startsWith('rollback:'))).toEqual(['rollback:preview']);
  await expect(status.resolution(GRUB_CONF, 'keep')).toBeChecked();
  await screenshot(page, 'rollback-conflict-diff');
  await expectAccessible(page);
});

test('a binary or huge changed file gets a sentence instead of a diff', async ({ page }) => {
  const status = await rollbackConflicts(page, async (s) => {
    await s.sim.writeFileAtomic(GRUB_CONF, Buffer.from([0x23, 0x00, 0xff, 0x0a]));
    await s.sim.writeFileAtomic(SESSION_JSON, `${'{}'.repeat(200 * 1024)}\n`);
  });
  await expect(status.conflict(GRUB_CONF).getByTestId('conflict-diff')).toHaveAttribute(
    'data-omitted',
    'binary',
  );
  await expect(status.conflict(GRUB_CONF)).toContainText('This file is binary (1 KiB)');
  await expect(status.conflict(SESSION_JSON).getByTestId('conflict-diff')).toHaveAttribute(
    'data-omitted',
    'too-large',
  );
  await expect(status.conflict(SESSION_JSON)).toContainText(
    'too large to show a difference (401 KiB; up to 256 KiB',
  );
  await expectAccessible(page);
});
