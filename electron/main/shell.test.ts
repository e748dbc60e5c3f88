import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { initSim } from '../sim/init-sim.js';
import type { SimSystem } from '../sim/sim-system.js';

/**
 * The Electron shell's setup, run for real (main.ts imported as Electron loads it, packaged) against a fake
 * `electron` module that records what the shell asked of it: the menu, the window's options, the IPC handlers
 * and the native dialog.
 */
const fake = vi.hoisted(() => ({
  calls: [] as string[],
  windows: [] as { webPreferences: Record<string, unknown>; listeners: Map<string, () => void> }[],
  ipc: new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>(),
  dialogs: [] as {
    message?: string;
    detail?: string;
    buttons?: string[];
    defaultId?: number;
    cancelId?: number;
  }[],
  dialogAnswer: 0,
  mainFrame: { url: 'app://renderer/index.html' },
  ready: () => undefined as void,
}));

vi.mock('electron', () => {
  class FakeBrowserWindow {
    readonly webContents;
    constructor(options: { webPreferences: Record<string, unknown> }) {
      fake.calls.push('new BrowserWindow');
      const listeners = new Map<string, () => void>();
      fake.windows.push({ webPreferences: options.webPreferences, listeners });
      this.webContents = {
        id: 7,
        mainFrame: fake.mainFrame,
        on: (name: string, fn: () => void) => listeners.set(name, fn),
        setWindowOpenHandler: () => undefined,
        send: () => undefined,
        closeDevTools: () => fake.calls.push('closeDevTools'),
      };
    }
    once() {}
    on() {}
    show() {}
    async loadURL(url: string) {
      fake.calls.push(`loadURL ${url}`);
    }
  }
  return {
    app: {
      isPackaged: true,
      enableSandbox: () => fake.calls.push('enableSandbox'),
      whenReady: () => new Promise<void>((r) => (fake.ready = r)),
      getVersion: () => '9.9.9',
      getLocale: () => 'en-US',
      on: () => undefined,
      quit: () => undefined,
      exit: (code: number) => fake.calls.push(`exit ${code}`),
    },
    Menu: { setApplicationMenu: (menu: unknown) => fake.calls.push(`setApplicationMenu ${String(menu)}`) },
    dialog: {
      showMessageBox: async (...args: unknown[]) => {
        fake.dialogs.push(args[args.length - 1] as (typeof fake.dialogs)[number]);
        return { response: fake.dialogAnswer };
      },
    },
    BrowserWindow: FakeBrowserWindow,
    protocol: {
      registerSchemesAsPrivileged: () => fake.calls.push('registerSchemes'),
      handle: () => undefined,
    },
    net: { fetch: async () => new Response('') },
    ipcMain: {
      handle: (channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) =>
        fake.ipc.set(channel, fn),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
      },
    },
    shell: { openExternal: async () => undefined },
  };
});

/** A call from our own window's main frame (the IPC shell compares sender and frame by identity). */
const fromOurWindow = () => ({ sender: { id: 7 }, senderFrame: fake.mainFrame });
const invoke = (channel: string, payload: unknown) => fake.ipc.get(channel)!(fromOurWindow(), payload);

describe('the Electron shell (packaged)', () => {
  let sim: SimSystem;
  let dir: string;
  beforeAll(async () => {
    // One simulated dom0 for the whole file (the shell is started once), removed at the end.
    dir = await mkdtemp(path.join(os.tmpdir(), 'qs-shell-'));
    sim = await initSim(path.join(dir, 'dom0'), 'qubes-4.2');
    // The shell chooses the simulator only from its own command line (no environment switch).
    process.argv.push(`--sim=${sim.dir}`);
    // Packaged, the assets sit in Electron's resources folder; here that is the checkout.
    (process as { resourcesPath?: string }).resourcesPath = path.resolve(import.meta.dirname, '../..');
    await import('./main.js');
    fake.ready();
    await vi.waitFor(() => expect(fake.calls.some((c) => c.startsWith('loadURL'))).toBe(true), {
      timeout: 30_000,
    });
  }, 60_000);
  afterAll(async () => {
    process.argv.splice(process.argv.indexOf(`--sim=${sim.dir}`), 1);
    await rm(dir, { recursive: true, force: true });
  });

  it('removes the application menu (no Reload, no DevTools) before it opens a window', () => {
    expect(fake.calls).toContain('setApplicationMenu null');
    expect(fake.calls.indexOf('setApplicationMenu null')).toBeLessThan(
      fake.calls.indexOf('new BrowserWindow'),
    );
    expect(fake.calls).not.toContain('exit 1');
  });

  it('opens a sandboxed, isolated window with DevTools off, and closes DevTools should they open anyway', () => {
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.webPreferences).toMatchObject({
      devTools: false,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webviewTag: false,
    });
    fake.windows[0]!.listeners.get('devtools-opened')!();
    expect(fake.calls).toContain('closeDevTools');
  });

  it('asks the user in a native dialog before an apply; Cancel (the default) means nothing is done', async () => {
    const choices = { dom0: { mode: 'overlay' } };
    const planned = (await invoke('plan:create', { choices })) as { ok: boolean; value: { digest: string } };
    if (!planned.ok) throw new Error(JSON.stringify(planned));
    fake.dialogAnswer = 0;
    expect(await invoke('plan:apply', { choices, digest: planned.value.digest })).toMatchObject({
      ok: false,
      error: { code: 'not-confirmed' },
    });
    expect(fake.dialogs).toHaveLength(1);
    expect(fake.dialogs[0]).toMatchObject({ defaultId: 0, cancelId: 0, buttons: ['Cancel', 'Apply'] });
    expect(fake.dialogs[0]!.message).toContain(sim.description);
    expect(fake.dialogs[0]!.detail).toContain(`Mode overlay, plan ${planned.value.digest.slice(0, 12)}`);
    expect(await sim.stat('/etc/grub.d/21_qubes_stateless')).toBeNull();
    fake.dialogAnswer = 1;
    expect(await invoke('plan:apply', { choices, digest: planned.value.digest })).toMatchObject({ ok: true });
    expect(await sim.stat('/etc/grub.d/21_qubes_stateless')).not.toBeNull();
    fake.dialogAnswer = 0;
    expect(await invoke('rollback:run', { resolutions: {} })).toMatchObject({
      ok: false,
      error: { code: 'not-confirmed' },
    });
    expect(fake.dialogs.map((d) => d.buttons?.[1])).toEqual(['Apply', 'Apply', 'Roll back']);
  });

  it('refuses calls from any other frame before anything is asked', async () => {
    const before = fake.dialogs.length;
    expect(
      await fake.ipc.get('rollback:run')!(
        { sender: { id: 7 }, senderFrame: { url: 'app://renderer/index.html' } },
        { resolutions: {} },
      ),
    ).toMatchObject({ ok: false, error: { code: 'untrusted-sender' } });
    expect(fake.dialogs.length).toBe(before);
  });
});
