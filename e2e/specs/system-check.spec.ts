import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { closeSession } from '../pages/helpers.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

test('system check shows the simulated dom0 facts and the simulation banner', async ({ page }) => {
  session = await openRenderer(page, { profile: 'qubes-4.2' });
  const screen = new SystemCheckPage(page);
  await expect(screen.heading).toBeVisible();
  await expect(screen.banner).toContainText('Simulated dom0');
  await expect(screen.banner).toContainText(session.sim.dir);
  await expect(screen.fact('release')).toHaveText('Qubes release 4.2.4 (R4.2)');
  await expect(screen.fact('boot-mode')).toHaveText('Persistent (from disk)');
  await expect(screen.fact('host-memory')).toHaveText('31.8 GiB (Xen 4.17.5)');
  await expect(screen.fact('root')).toContainText('/dev/mapper/qubes_dom0-root (ext4)');
  await expect(screen.fact('pools')).toContainText('vm-pool (lvm_thin)');
  await expect(screen.check('boot-mode')).toHaveAttribute('data-status', 'ok');
  // Start-up only reads: the machine, doctor's checks, the journal (for an unfinished change) and the RAM measurements.
  await expect
    .poll(() => [...session!.calls].sort())
    .toEqual(['app:info', 'doctor:run', 'facts:get', 'journal:status', 'ram:measure']);
});

test("system check shows doctor's checks: every probe, and on demand its exact command and exit status", async ({
  page,
}) => {
  session = await openRenderer(page, { profile: 'qubes-4.3' });
  const screen = new SystemCheckPage(page);
  await expect(screen.doctorSummary).toHaveText(/^\d+ ok, 0 warnings, 0 problems$/);
  // All is well: readiness is open, the other stages are closed disclosures.
  await expect(screen.group('readiness')).toHaveAttribute('open', '');
  await expect(screen.group('probes')).not.toHaveAttribute('open', '');
  await screen.group('probes').locator('summary').first().click();
  // The rows are the commands the simulated dom0 really ran for the probes, in the doctor's order.
  const log = (await session.sim.commandLog()).map((l) => l.argv.join(' '));
  const rows = screen.commandRows('probes');
  await expect(rows.first()).toContainText('xl info');
  const xl = await screen.showCommand(rows.first());
  await expect(xl.argv).toHaveText('/usr/bin/sudo -n -- /usr/sbin/xl info');
  await expect(xl.exit).toHaveText('exit status 0');
  expect(log).toContain('/usr/bin/sudo -n -- /usr/sbin/xl info');
  const prefs = rows.filter({ hasText: 'qvm-prefs work memory' });
  await expect(prefs).toHaveAttribute('data-status', 'ok');
  await screen.group('plan').locator('summary').first().click();
  await expect(page.getByTestId('check-plan:sudo')).toContainText('Administrator rights');
});

test('a failing probe command is shown open, with its exit status and what to do, beside the error', async ({
  page,
}) => {
  session = await openRenderer(page, {
    profile: 'qubes-4.2',
    setup: (sim) =>
      sim.updateState(
        (s) =>
          void s.failures.push({
            argvPrefix: ['/usr/bin/qvm-pool', 'list'],
            exitCode: 2,
            stderr: 'qvm-pool: error: qubesd is not running',
            times: 2,
          }),
      ),
  });
  const screen = new SystemCheckPage(page);
  await expect(screen.error).toHaveAttribute('data-code', 'command-failed');
  await expect(screen.doctorSummary).toHaveText(/^\d+ ok, 0 warnings, 2 problems$/);
  await expect(screen.group('probes')).toHaveAttribute('open', '');
  const row = screen.commandRows('probes').filter({ hasText: 'qvm-pool list' });
  await expect(row).toHaveAttribute('data-status', 'problem');
  await expect(row).toContainText('qubesd is not running');
  await expect(row).toContainText('Run the command in a dom0 terminal');
  const cmd = await screen.showCommand(row);
  await expect(cmd.argv).toHaveText('/usr/bin/qvm-pool list');
  await expect(cmd.exit).toHaveText('exit status 2');
});

test('4.3 profile shows zram swap and its own release', async ({ page }) => {
  session = await openRenderer(page, { profile: 'qubes-4.3' });
  const screen = new SystemCheckPage(page);
  await expect(screen.fact('release')).toHaveText('Qubes release 4.3.0 (R4.3)');
  await expect(screen.fact('swap')).toContainText('/dev/zram0');
});

test('a stateless session blocks with a clear reason', async ({ page }) => {
  session = await openRenderer(page, {
    setup: (sim) =>
      sim.updateState((s) => {
        const root = s.mounts.find((m) => m.target === '/')!;
        root.source = 'none';
        root.fsType = 'tmpfs';
      }),
  });
  const screen = new SystemCheckPage(page);
  await expect(screen.check('boot-mode')).toHaveAttribute('data-status', 'problem');
  await expect(screen.check('boot-mode')).toContainText('This session runs from RAM (tmpfs)');
  const wizard = new WizardPage(page);
  await expect(wizard.continueButton).toBeDisabled();
  await expect(wizard.continueReason).toContainText('Cannot continue: This session runs from RAM (tmpfs)');
  await expect(wizard.railStep('choose')).toBeDisabled();
});

test('a broken simulated file shows an error naming it, and retry recovers', async ({ page }) => {
  session = await openRenderer(page, { setup: (sim) => sim.tree.writeAtomic('/proc/swaps', 'garbage\n') });
  const screen = new SystemCheckPage(page);
  await expect(screen.error).toHaveAttribute('data-code', 'parse-error');
  await expect(screen.error).toContainText('/proc/swaps');
  await session.sim.tree.writeAtomic('/proc/swaps', 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n');
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(screen.fact('swap')).toHaveText('none');
});

test('the handlers reject malformed payloads from the page', async ({ page }) => {
  session = await openRenderer(page);
  const res = await page.evaluate(() =>
    (window as unknown as { api: { invoke: (c: string, r: unknown) => Promise<unknown> } }).api.invoke(
      'facts:get',
      { refresh: 'yes', extra: 1 },
    ),
  );
  expect(res).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  const unknown = await page.evaluate(() =>
    (window as unknown as { api: { invoke: (c: string, r: unknown) => Promise<unknown> } }).api.invoke(
      'shell:exec',
      {},
    ),
  );
  expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
});

test('system check has no accessibility violations', async ({ page }) => {
  session = await openRenderer(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
});
