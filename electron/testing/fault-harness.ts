import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { bundleChild } from './bundle-child.js';
import { isStaleTemp } from '../core/system/temp-path.js';
import { SimSystem } from '../sim/sim-system.js';
import { engineFor, testAssetsDir } from './engine-fixture.js';
import type { FaultSpec } from './fault-child.js';

/** What the fault-injection tests share: the child, crash images, sampling, and the checks after a recovery. */

const run = promisify(execFile);

/** Bundle testing/fault-child.ts into `dir` (a plain node process starts much faster than a TypeScript loader). */
export async function buildFaultChild(dir: string): Promise<string> {
  const out = path.join(dir, 'fault-child.mjs');
  await bundleChild(path.join(import.meta.dirname, 'fault-child.ts'), out);
  return out;
}

export type ChildSpec = Omit<FaultSpec, 'assetsDir'>;

/** Run the child; `killed` when it died by SIGKILL (the point it was told to), else its boundary labels. */
export async function runFaultChild(
  child: string,
  spec: ChildSpec,
  prefix: readonly string[] = [],
): Promise<{ killed: boolean; labels: string[] }> {
  const argv = [...prefix, process.execPath, child, JSON.stringify({ ...spec, assetsDir: testAssetsDir() })];
  try {
    const { stdout } = await run(argv[0]!, argv.slice(1), { maxBuffer: 64 << 20 });
    return { killed: false, labels: (JSON.parse(stdout) as { labels: string[] }).labels };
  } catch (e) {
    const err = e as { signal?: string; code?: number; stderr?: string };
    // Under unshare the child's SIGKILL shows as the wrapper's exit status 128 + 9.
    if (err.signal === 'SIGKILL' || err.code === 137) return { killed: true, labels: [] };
    throw new Error(`fault child failed: ${err.stderr ?? String(e)}`, { cause: e });
  }
}

/** The disk as a kill at each of `points` (1-based boundary numbers) would leave it: one run, a real kill at the last. */
export async function crashImages(
  child: string,
  spec: ChildSpec,
  points: readonly number[],
  dir: string,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (points.length === 0) return out;
  await fs.mkdir(dir, { recursive: true });
  const r = await runFaultChild(child, { ...spec, images: { dir, at: points } });
  if (!r.killed) throw new Error(`the ${spec.action} ended before boundary ${Math.max(...points)}`);
  for (const p of points) out.set(p, path.join(dir, String(p)));
  return out;
}

/** A boundary label without its step numbers and paths: the kind of point it is. */
export const pointKind = (label: string): string =>
  label
    .replace(/:\d+:/g, ':')
    .replace(/wrote-\d+-of-\d+/, 'wrote')
    .replace(/^undo:final:.*/, 'undo:final');

/**
 * Which of the points 1..labels.length to test when not all: every kind of point at its first occurrence
 * (so each kind of interruption is hit at least once), then evenly spaced ones up to `budget`. Deterministic.
 */
export function samplePoints(labels: readonly string[], budget: number): number[] {
  const all = labels.map((_, i) => i + 1);
  if (budget >= all.length) return all;
  const picked = new Set<number>();
  const seen = new Set<string>();
  labels.forEach((l, i) => {
    if (!seen.has(pointKind(l))) {
      seen.add(pointKind(l));
      picked.add(i + 1);
    }
  });
  const rest = Math.max(0, budget - picked.size);
  for (let k = 0; k < rest; k++) picked.add(1 + Math.floor(((k + 0.5) * all.length) / rest));
  return [...picked].sort((a, b) => a - b);
}

/** Run `fn` over `items`, a few at a time (2 cores: the recoveries run sh for grub.d scripts, and fsync). */
export async function inBatches<T>(
  items: readonly T[],
  width: number,
  fn: (t: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** Every leftover temporary file anywhere in the tree, the journal included (temp-path.ts; grub2-mkconfig's .new). */
export async function leftoverTemps(simDir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (isStaleTemp(e.name) || e.name === 'grub.cfg.new') found.push(full.slice(simDir.length));
    }
  };
  await walk(path.join(simDir, 'root'));
  return found;
}

/**
 * After a crash: recover the way the app offers. `recovered` when there was an unfinished transaction;
 * otherwise `untouched` (the crash came before the first journal write) or `complete` (after the last).
 */
export async function recoverFrom(
  dir: string,
  how: 'resume' | 'rollback',
): Promise<'recovered' | 'untouched' | 'complete'> {
  const sim = await SimSystem.open(dir);
  const txs = await engineFor(sim).transactions();
  if (txs.some((t) => t.status === 'in-progress')) {
    await engineFor(sim).recover(how);
    return 'recovered';
  }
  return txs.length === 0 ? 'untouched' : 'complete';
}

export async function copyOf(src: string, dest: string): Promise<string> {
  await fs.cp(src, dest, { recursive: true });
  return dest;
}
