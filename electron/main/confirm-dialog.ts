import type { BrowserWindow, MessageBoxOptions } from 'electron';
import { translate } from '../../shared/i18n/translate.js';
import type { ConfirmChange } from '../core/api/confirm-change.js';

/** The one part of Electron's `dialog` this needs (a fake in tests). */
export interface MessageBoxDialog {
  showMessageBox(window: BrowserWindow, options: MessageBoxOptions): Promise<{ response: number }>;
  showMessageBox(options: MessageBoxOptions): Promise<{ response: number }>;
}

const CANCEL = 0;
const PROCEED = 1;

/**
 * The main process's own question before an apply, rollback or recover: a native message box that the renderer
 * can neither draw nor answer. Cancel is the default and what Escape or closing the box means.
 */
export function dialogConfirm(dialog: MessageBoxDialog, parent: () => BrowserWindow | null): ConfirmChange {
  return async ({ action, params }) => {
    const text = (part: string) => translate(`confirmChange.${action}.${part}`, params);
    const options: MessageBoxOptions = {
      type: 'warning',
      title: text('title'),
      message: text('message'),
      detail: text('detail'),
      buttons: [translate('confirmChange.cancel'), text('ok')],
      defaultId: CANCEL,
      cancelId: CANCEL,
      noLink: true,
    };
    const win = parent();
    const { response } = win
      ? await dialog.showMessageBox(win, options)
      : await dialog.showMessageBox(options);
    return response === PROCEED;
  };
}
