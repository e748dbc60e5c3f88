import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import { INVOKE_CHANNELS } from '../../shared/channels.js';
import type { Envelope } from '../../shared/errors.js';
import type { Handlers } from '../core/api/handlers.js';
import { APP_ORIGIN } from './csp.js';

/** Only our own window, showing our own bundle, may call the main process. */
export function isTrustedSender(event: IpcMainInvokeEvent, trusted: () => WebContents | null): boolean {
  const frame = event.senderFrame;
  const wc = trusted();
  if (!frame || !wc || event.sender.id !== wc.id || frame !== wc.mainFrame) return false;
  try {
    // Scheme and host compared directly: URL.origin is "null" for a scheme Node does not know as standard.
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** Bind every contract channel to its handler; nothing else is registered. */
export function registerIpc(handlers: Handlers, trusted: () => WebContents | null): void {
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event, trusted)) {
        return {
          ok: false,
          error: {
            code: 'untrusted-sender',
            kind: 'internal',
            message: `refused ${channel} from ${event.senderFrame?.url ?? 'unknown frame'}`,
            params: { channel },
          },
        };
      }
      return handlers[channel](payload);
    });
  }
}
