import type { Locator, Page } from '@playwright/test';

/** Page object for the mode cards on the Choose step (and the prompt and hardening sections of More options). */
export class ModePage {
  readonly title = 'Choose';
  readonly timeout: Locator;
  readonly timeoutMessage: Locator;
  readonly hardening: Locator;
  readonly compressors: Locator;

  constructor(readonly page: Page) {
    this.timeout = page.getByLabel('Seconds to wait for an answer');
    this.timeoutMessage = page.getByTestId('prompt-timeout-msg');
    this.hardening = page.getByRole('checkbox', { name: /Zero memory on allocation/ });
    this.compressors = page.getByTestId('compressor');
  }

  mode(mode: 'overlay' | 'zram' | 'tmpfs'): Locator {
    return this.page.getByRole('radio', {
      name: { overlay: 'Overlay', zram: 'zram (compressed)', tmpfs: 'tmpfs' }[mode],
    });
  }

  cost(mode: 'overlay' | 'zram' | 'tmpfs'): Locator {
    return this.page.getByTestId(`mode-cost-${mode}`);
  }

  compressor(c: 'lz4' | 'zstd' | 'lzo-rle'): Locator {
    return this.page.getByRole('radio', { name: c, exact: true });
  }

  selection(s: 'entry' | 'prompt'): Locator {
    return this.page.getByRole('radio', { name: s === 'entry' ? 'Its own GRUB entry' : 'Ask at boot' });
  }
}
