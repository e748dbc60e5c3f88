import { contextBridge, ipcRenderer } from 'electron';
import { EVENT_CHANNELS, isInvokeChannel } from '../../shared/channels.js';

/**
 * The renderer's only door to the main process: `invoke` on an allowlisted channel, and event subscription.
 * No ipcRenderer object, no Node, no arbitrary channels leak through.
 */
contextBridge.exposeInMainWorld('api', {
  invoke(channel: unknown, request: unknown): Promise<unknown> {
    if (!isInvokeChannel(channel)) return Promise.reject(new Error(`unknown channel ${String(channel)}`));
    return ipcRenderer.invoke(channel, request);
  },
  onEvent(listener: (event: unknown) => void): () => void {
    const wrapped = (_e: unknown, payload: unknown) => listener(payload);
    for (const c of EVENT_CHANNELS) ipcRenderer.on(c, wrapped);
    return () => {
      for (const c of EVENT_CHANNELS) ipcRenderer.removeListener(c, wrapped);
    };
  },
});
