import { describe, expect, it } from 'vitest';
import { TASK_IDS } from '../../../../shared/plan.js';
import { hasWords } from '../../../../shared/i18n/translate.js';
import { engineFor, everyTask } from '../../../testing/engine-fixture.js';
import { tempSim } from '../../../testing/temp-sim.js';
import { PATHS } from '../paths.js';
import { flattenPlan } from '../steps.js';
import { PlannerContext } from './context.js';
import { TASKS } from './index.js';

describe('the task registry', () => {
  it('holds exactly the task ids the renderer and the plan schema know, in the same order', () => {
    expect(TASKS.map((t) => t.id)).toEqual([...TASK_IDS]);
  });

  it('plans a directory two tasks need once: /etc/qubes-stateless for the boot entry and the session', async () => {
    for (const profile of ['qubes-4.2', 'qubes-4.3']) {
      const sim = await tempSim(profile);
      const { plan } = await engineFor(sim).plan(everyTask(profile));
      const mkdirs = flattenPlan(plan).flatMap(({ task, op }) =>
        op.kind === 'mkdir' ? [[task, op.path]] : [],
      );
      expect(
        mkdirs.filter(([, p]) => p === PATHS.configDir),
        profile,
      ).toEqual([['boot-entries', PATHS.configDir]]);
      expect(new Set(mkdirs.map(([, p]) => p)).size, profile).toBe(mkdirs.length);
      expect(plan.tasks.find((t) => t.id === 'ram-pool')?.operations.length, profile).toBeGreaterThan(0);
    }
  });

  it('gives a directory to the first task that asks, and none when it exists already', async () => {
    const sim = await tempSim();
    const ctx = new PlannerContext({
      sys: sim,
      facts: undefined as never,
      assets: undefined as never,
      sizing: undefined as never,
      journal: [],
    });
    expect(await ctx.ensureDir('/etc/qubes-stateless')).toEqual([
      { kind: 'mkdir', path: '/etc/qubes-stateless', mode: 0o755 },
    ]);
    expect(await ctx.ensureDir('/etc/qubes-stateless')).toEqual([]);
    expect(await ctx.ensureDir('/etc')).toEqual([]);
  });

  it('checks every applied task with words from the catalogue', async () => {
    const sim = await tempSim();
    const { checks } = await engineFor(sim).apply(everyTask());
    // A stock profile has no forum install to migrate: forum-migration.test.ts checks that task's words.
    expect(new Set(checks.map((c) => c.task))).toEqual(
      new Set(TASK_IDS.filter((t) => t !== 'forum-migration')),
    );
    for (const c of checks) {
      expect(c.ok, c.task).toBe(true);
      expect(hasWords(c.detail.key), c.detail.key).toBe(true);
    }
    expect(checks.find((c) => c.task === 'boot-entries')?.detail).toEqual({
      key: 'verify.bootEntries.added',
      params: { title: 'Qubes (stateless: zram), with Xen hypervisor' },
    });
  });
});
