import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The layering rules must actually fire: lint small sources as if they lived in each folder. */
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layering lint', () => {
  it('forbids Node in the renderer', async () => {
    expect(
      await layeringErrors(
        'renderer/src/fixture.ts',
        "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'renderer/src/fixture.ts',
        "import cp from 'child_process';\nexport const x = cp;\n",
      ),
    ).toHaveLength(1);
  });

  it('forbids the renderer from reaching into electron/', async () => {
    expect(
      await layeringErrors(
        'renderer/src/fixture.ts',
        "import { AppError } from '../../electron/core/errors.js';\nexport const x = AppError;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'renderer/src/fixture.ts',
        "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
      ),
    ).toHaveLength(1);
  });

  it('lets the renderer import shared/ and its UI libraries', async () => {
    expect(
      await layeringErrors(
        'renderer/src/fixture.ts',
        "import { create } from 'zustand';\nimport { systemChecks } from '../../shared/system-checks.js';\nexport const x = [create, systemChecks];\n",
      ),
    ).toEqual([]);
  });

  it('forbids Electron in the core and the CLI', async () => {
    expect(
      await layeringErrors(
        'electron/core/fixture.ts',
        "import { app } from 'electron';\nexport const x = app;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'electron/cli/fixture.ts',
        "import { BrowserWindow } from 'electron';\nexport const x = BrowserWindow;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'electron/core/fixture.ts',
        "import { createMainWindow } from '../main/window.js';\nexport const x = createMainWindow;\n",
      ),
    ).toHaveLength(1);
  });

  it('lets the core use Node', async () => {
    expect(
      await layeringErrors(
        'electron/core/fixture.ts',
        "import { promises } from 'node:fs';\nexport const x = promises;\n",
      ),
    ).toEqual([]);
  });

  it('keeps shared/ free of Node, Electron and React', async () => {
    for (const mod of ['node:path', 'electron', 'react', 'execa']) {
      expect(
        await layeringErrors('shared/fixture.ts', `import * as m from '${mod}';\nexport const x = m;\n`),
      ).toHaveLength(1);
    }
  });

  it('keeps raw ipcMain inside electron/main/ipc.ts', async () => {
    expect(
      await layeringErrors(
        'electron/main/window.ts',
        "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'electron/main/ipc.ts',
        "import { ipcMain } from 'electron';\nexport const x = ipcMain;\n",
      ),
    ).toEqual([]);
  });

  it('keeps the simulator and the test fixtures out of the core; composition roots and tests may use them', async () => {
    const sim = "import { SimSystem } from '../sim/sim-system.js';\nexport const x = SimSystem;\n";
    expect(
      await layeringErrors('electron/core/lock/fixture.ts', sim.replace('../sim', '../../sim')),
    ).toHaveLength(1);
    expect(
      await layeringErrors(
        'electron/core/tasks/fixture.ts',
        "import { tempSim } from '../../testing/temp-sim.js';\nexport const x = tempSim;\n",
      ),
    ).toHaveLength(1);
    expect(
      await layeringErrors('electron/core/tasks/fixture.test.ts', sim.replace('../sim', '../../sim')),
    ).toEqual([]);
    expect(await layeringErrors('electron/compose/fixture.ts', sim)).toEqual([]);
    expect(
      await layeringErrors(
        'electron/sim/fixture.ts',
        "import { selectSystem } from '../compose/select-system.js';\nexport const x = selectSystem;\n",
      ),
    ).toHaveLength(1);
  });
});
