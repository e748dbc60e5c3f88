import { expect, test } from '@playwright/test';
import { openRenderer, type RendererSession } from '../harness/renderer-harness.js';
import { ChoosePage } from '../pages/choose-page.js';
import { ExtrasPage } from '../pages/extras-page.js';
import { closeSession, expectAccessible } from '../pages/helpers.js';
import { SystemCheckPage } from '../pages/system-check-page.js';
import { TemplatesPage } from '../pages/templates-page.js';
import { WizardPage } from '../pages/wizard-page.js';

let session: RendererSession | null = null;
test.afterEach(async () => {
  await closeSession(session);
  session = null;
});

test("names are checked as they are typed, by the rules of the machine's release, and block Continue with the reason", async ({
  page,
}) => {
  session = await openRenderer(page, { profile: 'qubes-4.2' });
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'choose');
  await new ChoosePage(page).openMoreOptions();
  const extras = new ExtrasPage(page);
  await extras.vault.check();
  await expect(extras.vaultName).toHaveValue('save');
  await expect(extras.vaultName).not.toHaveAttribute('aria-invalid');

  const cases: [string, string][] = [
    ['', 'A name is needed.'],
    ['1vault', 'must start with a letter'],
    ['my.vault', 'may only use letters, digits, - and _'],
    ['vault', 'A qube named "vault" already exists'],
    ['save-dm', 'may not end in -dm'],
    ['a'.repeat(32), 'is longer than 31 characters'],
  ];
  for (const [name, words] of cases) {
    await extras.vaultName.fill(name);
    await expect(extras.vaultMessage).toContainText(words);
    await expect(extras.vaultName).toHaveAttribute('aria-invalid', 'true');
    await expect(wizard.continueButton).toBeDisabled();
    await expect(wizard.continueReason).toContainText(words);
  }
  await expectAccessible(page);
  await extras.vaultName.fill('keep-files');
  await expect(extras.vaultName).not.toHaveAttribute('aria-invalid');
  await expect(wizard.continueReason).toHaveCount(0);

  // The templates section of the same step.
  const templates = new TemplatesPage(page);
  await templates.template('fedora-40-xfce').check();
  await templates.cloneName('fedora-40-xfce').fill('sys-net');
  await expect(templates.cloneMessage('fedora-40-xfce')).toContainText(
    'A qube named "sys-net" already exists',
  );
  await templates.cloneName('fedora-40-xfce').fill('keep-files');
  await expect(templates.cloneMessage('fedora-40-xfce')).toContainText('"keep-files" is used twice');
  await templates.cloneName('fedora-40-xfce').fill('fed-ram');
  await expect(templates.dvmName('fedora-40-xfce')).toHaveAttribute('placeholder', 'fed-ram-dvm');
  await templates.dvmName('fedora-40-xfce').fill('fed-ram');
  await expect(templates.dvmMessage('fedora-40-xfce')).toContainText('"fed-ram" is used twice');
  await expect(wizard.continueButton).toBeDisabled();
  await templates.dvmName('fedora-40-xfce').fill('fed-dvm');
  // The RAM pool holds the clones: turning it off with a template chosen is a problem too.
  await templates.ramPool.uncheck();
  await expect(wizard.continueReason).toContainText('need the RAM pool');
  await templates.ramPool.check();
  await expect(wizard.continueReason).toHaveCount(0);
  await expectAccessible(page);
  await wizard.continue();
  await wizard.expectOn('Review');
});

test('on 4.3 a dot is allowed in a qube name', async ({ page }) => {
  session = await openRenderer(page, { profile: 'qubes-4.3' });
  const wizard = new WizardPage(page);
  await expect(new SystemCheckPage(page).fact('release')).toBeVisible();
  await wizard.walk('system-check', 'choose');
  await new ChoosePage(page).openMoreOptions();
  const extras = new ExtrasPage(page);
  await extras.vault.check();
  await extras.vaultName.fill('my.vault');
  await expect(extras.vaultName).not.toHaveAttribute('aria-invalid');
  await expect(wizard.continueButton).toBeEnabled();
});
