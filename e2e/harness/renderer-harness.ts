import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { createHandlers, type Handlers } from '../../electron/core/api/handlers.js';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/csp.js';
import { initSim } from '../../electron/sim/init-sim.js';
import type { SimSystem } from '../../electron/sim/sim-system.js';
import { isInvokeChannel } from '../../shared/channels.js';

/** The built renderer is served from this made-up origin by request interception: no web server runs. */
export const ORIGIN = 'http://qubes-stateless.test';
const RENDERER_DIR = path.resolve(import.meta.dirname, '../../dist/renderer');
export const ASSETS_DIR = path.resolve(import.meta.dirname, '../../assets');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/**
 * The page's `window.api`, like the preload's: invoke over the exposed binding, events pushed by `emit`.
 * Plain JavaScript in a string on purpose: a function would be serialised from its *transformed* source, and
 * tsx/esbuild (keepNames) wrap named functions in `__name(…)` calls that the page does not define (the Chromium
 * preview of `npm start` then stayed blank with "__name is not defined").
 */
export const BRIDGE_INIT_SCRIPT = `(() => {
  const listeners = new Set();
  window.__qsEmit = (e) => listeners.forEach((l) => l(e));
  window.api = Object.freeze({
    invoke: (channel, request) => window.__qsInvoke(channel, request),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  });
})();`;

export interface RendererSession {
  readonly sim: SimSystem;
  readonly handlers: Handlers;
  readonly events: unknown[];
  /** Calls the renderer made, in order (channel names), for assertions. */
  readonly calls: string[];
  emit(event: unknown): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * Serve the built renderer to `page` and give it a `window.api` bridged to `handlers` — the same handlers the
 * Electron main process registers. Used by the e2e tests and by the Chromium preview of `npm start`.
 */
export async function bridgeRenderer(
  page: Page,
  handlers: Handlers,
  calls: string[] = [],
): Promise<{ emit(event: unknown): Promise<void>; close(): Promise<void> }> {
  const pending = new Set<Promise<unknown>>();
  let closed = false;
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = path.resolve(RENDERER_DIR, rel);
    if (!file.startsWith(RENDERER_DIR + path.sep)) return route.fulfill({ status: 404 });
    const body = await readFile(file).catch(() => null);
    if (!body) return route.fulfill({ status: 404 });
    return route.fulfill({
      status: 200,
      body,
      headers: {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
      },
    });
  });
  // The same trust rule as the IPC shell: only our page's main frame may call.
  await page.exposeBinding('__qsInvoke', async (source, channel: unknown, payload: unknown) => {
    if (source.frame !== page.mainFrame() || new URL(source.frame.url()).origin !== ORIGIN) {
      return {
        ok: false,
        error: { code: 'untrusted-sender', kind: 'internal', message: 'refused', params: {} },
      };
    }
    if (!isInvokeChannel(channel))
      return {
        ok: false,
        error: {
          code: 'invalid-request',
          kind: 'internal',
          message: `unknown channel ${String(channel)}`,
          params: {},
        },
      };
    if (closed)
      return {
        ok: false,
        error: { code: 'internal', kind: 'internal', message: 'the session is closed', params: {} },
      };
    calls.push(channel);
    const call = handlers[channel](payload);
    pending.add(call);
    void call.finally(() => pending.delete(call));
    return call;
  });
  await page.addInitScript({ content: BRIDGE_INIT_SCRIPT });
  return {
    emit: async (event) => {
      await page.evaluate(
        (e) => (window as unknown as { __qsEmit: (x: unknown) => void }).__qsEmit(e),
        event as never,
      );
    },
    /**
     * Refuses further calls, then resolves when none is still running, so a test's dir may be removed: the page
     * is still open after the test body and may start a call (e.g. the RAM measurement) at any moment.
     */
    close: async () => {
      closed = true;
      while (pending.size) await Promise.allSettled([...pending]);
    },
  };
}

/** Open the renderer over a fresh simulated dom0 (`setup` may change it first). */
export async function openRenderer(
  page: Page,
  opts: {
    profile?: string;
    layout?: string;
    /** A forum recipe followed on the simulated dom0 first (sim init --forum). */
    forum?: string;
    setup?: (sim: SimSystem) => Promise<void>;
  } = {},
): Promise<RendererSession> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qs-e2e-'));
  const sim = await initSim(
    path.join(dir, 'dom0'),
    opts.profile ?? 'qubes-4.2',
    opts.layout ?? 'lvm-thin',
    opts.forum ?? null,
  );
  await opts.setup?.(sim);
  const events: unknown[] = [];
  const calls: string[] = [];
  let forward: (e: unknown) => void = () => undefined;
  const handlers = createHandlers({
    system: sim,
    version: '0.0.0-e2e',
    assetsDir: ASSETS_DIR,
    emit: (e) => {
      events.push(e);
      forward(e);
    },
    // The Electron shell adds a native dialog; here the renderer's own Review screen is the confirmation.
    confirm: async () => true,
  });
  const bridge = await bridgeRenderer(page, handlers, calls);
  forward = (e) => void bridge.emit(e).catch(() => undefined);
  await page.goto(`${ORIGIN}/index.html`);
  return {
    sim,
    handlers,
    events,
    calls,
    emit: bridge.emit,
    dispose: async () => {
      await bridge.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
