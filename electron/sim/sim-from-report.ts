import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { QubeFact, SystemFacts } from '../../shared/facts.js';
import type { ReportBody, ReportEvent } from '../core/doctor/report.js';
import { readReport } from '../core/doctor/report.js';
import { ReplaySystem } from '../core/doctor/replay-system.js';
import { loadAssetBundle } from '../core/assets/asset-bundle.js';
import { AppError, serializeError } from '../core/errors.js';
import { probeFacts } from '../core/probes/probe-facts.js';
import { BIN } from '../core/system/binaries.js';
import { checkNewSimDir, writeTreeFiles } from './init-sim.js';
import { DIR_MODES, dom0Files } from './profiles/dom0-tree.js';
import { PROFILES, profileState } from './profiles/profiles.js';
import { LABELS, globalNames } from './qubes-model.js';
import type { SimQube, SimState, SimVolume } from './sim-state.js';
import { SimStateSchema } from './sim-state.js';
import { SimSystem, STATE_FILE } from './sim-system.js';
import { SimTree } from './sim-tree.js';
import { stockXenSection } from '../core/tasks/pending-grub.js';

/**
 * `sim init DIR --from-report FILE`: a simulated dom0 that reproduces the machine a doctor report describes.
 * The report is read back with the real probes (ReplaySystem), and what they found becomes the simulator's
 * model (qubes, pools, volumes, Xen, mounts); the files the probes read, listed and looked at become its tree,
 * over the stock tree of the same release (so the simulated tools have what they need). Everything is built
 * in a temporary directory beside DIR and renamed into place at the end: bad input creates nothing.
 */

const MiB = 1024 * 1024;

const unusable = (file: string, detail: string) =>
  new AppError('report-unusable', 'user', `${file} cannot be turned into a simulated dom0: ${detail}`, {
    path: file,
    detail,
  });

/** A dom0 path from a report, refused if it could leave the tree. */
function safePath(file: string, p: string): string {
  if (!p.startsWith('/') || p.includes('\0') || path.posix.normalize(p) !== p || p.split('/').includes('..'))
    throw unusable(file, `bad path ${JSON.stringify(p)}`);
  return p;
}

const SIM_STATES = new Set(['Running', 'Halted', 'Paused', 'Transient']);

function simQube(q: QubeFact): SimQube {
  const props: Record<string, string> = {};
  if (q.klass !== 'AdminVM') {
    if (q.memoryMiB !== null) props.memory = String(q.memoryMiB);
    if (q.maxmemMiB !== null) props.maxmem = String(q.maxmemMiB);
    if (q.autostart) props.autostart = 'True';
    if (q.templateForDispvms) props.template_for_dispvms = 'True';
    if (q.template) props.template = q.template;
  }
  const volumes: Record<string, SimVolume> = {};
  for (const [name, v] of Object.entries(q.volumes)) {
    volumes[name] = {
      pool: v.pool,
      vid: v.vid,
      sizeBytes: v.sizeMiB * MiB,
      usageBytes: v.usageMiB * MiB,
      rw: true,
      snapOnStart: false,
      saveOnStop: name !== 'volatile',
      source: null,
      revisionsToKeep: name === 'volatile' ? 0 : 2,
      ephemeral: false,
    };
  }
  return {
    name: q.name,
    klass: q.klass,
    state: (SIM_STATES.has(q.state) ? q.state : 'Halted') as SimQube['state'],
    label: q.label && (LABELS as readonly string[]).includes(q.label) ? q.label : 'black',
    props,
    volumes,
    features: {},
  };
}

const firstRun = (events: readonly ReportEvent[], bin: string, args: readonly string[]) =>
  events.find(
    (e): e is Extract<ReportEvent, { op: 'run' }> =>
      e.op === 'run' && e.bin === bin && JSON.stringify(e.args) === JSON.stringify(args),
  );

/** The report's machine had a grub.cfg whose stock entries are not what its grub2-mkconfig printed (tasks/pending-grub.ts). */
function hadPendingGrubEdit(events: readonly ReportEvent[]): boolean {
  const preview = firstRun(events, BIN.grub2Mkconfig, []);
  const cfg = events.find(
    (e): e is Extract<ReportEvent, { op: 'read' }> =>
      e.op === 'read' && e.path === '/boot/grub2/grub.cfg' && !e.error && e.text !== null,
  );
  if (!preview || preview.error || preview.exitCode !== 0 || !cfg) return false;
  return stockXenSection(cfg.text!) !== stockXenSection(preview.stdout);
}

/** The simulator's model of the machine, from the facts the probes read out of the report. */
function simState(facts: SystemFacts, events: readonly ReportEvent[]): SimState {
  const base = profileState(PROFILES[`qubes-${facts.qubesRelease}`]!);
  const xlInfo = firstRun(events, BIN.xl, ['info'])?.stdout ?? '';
  const xlList = firstRun(events, BIN.xl, ['list', '0'])?.stdout ?? '';
  const nrCpus = Number(/^nr_cpus\s*:\s*(\d+)/m.exec(xlInfo)?.[1] ?? base.host.nrCpus);
  const vcpus = Number(/^Domain-0\s+0\s+\d+\s+(\d+)/m.exec(xlList)?.[1] ?? base.dom0.vcpus);
  const sudo = firstRun(events, BIN.true, []);
  const mount = (f: SystemFacts['rootFs']) => ({
    target: f.target,
    source: f.source,
    fsType: f.fsType,
    options: f.options,
    sizeBytes: f.sizeBytes,
    baseUsedBytes: f.usedBytes,
  });
  const known = new Set(globalNames());
  return SimStateSchema.parse({
    ...base,
    profile: 'from-report',
    release: facts.qubesRelease,
    host: {
      totalMiB: facts.memory.totalMiB,
      freeMiB: facts.memory.freeMiB,
      xenVersion: facts.memory.xenVersion,
      xenCmdline: facts.memory.xenCmdline,
      hostname: /^host\s*:\s*(\S+)/m.exec(xlInfo)?.[1] ?? 'dom0',
      nrCpus: nrCpus > 0 ? nrCpus : 1,
    },
    dom0: { currentMiB: facts.memory.dom0.currentMiB, vcpus: vcpus > 0 ? vcpus : 1 },
    sudo: sudo && !sudo.error ? 'allowed' : 'refused',
    mounts:
      facts.bootFs.target === facts.rootFs.target
        ? [mount(facts.rootFs)]
        : [mount(facts.rootFs), mount(facts.bootFs)],
    qubes: facts.qubes.map(simQube),
    // qvm-pool info prints the driver among the config (qubesadmin Pool.config), the facts keep it apart.
    pools: facts.pools.map((p) => ({
      name: p.name,
      driver: p.driver,
      config: { driver: p.driver, ...p.options },
    })),
    prefs: Object.fromEntries(Object.entries(facts.prefs).filter(([k]) => known.has(k))),
    zramDevices: [],
    missingBinaries: events
      .filter(
        (e) =>
          e.op === 'stat' && !e.error && e.info === null && (Object.values(BIN) as string[]).includes(e.path),
      )
      .map((e) => (e as { path: string }).path),
    failures: [],
  });
}

/** Make the tree say what the report saw: listed directories hold exactly their entries, absent paths are absent. */
async function applyFiles(
  tree: SimTree,
  body: ReportBody,
  file: string,
  ours: ReadonlyMap<string, string>,
): Promise<void> {
  // The simulator runs /etc/grub.d's executable scripts (its grub2-mkconfig): a report's own scripts are never
  // run here. Executable are only our asset's bytes (the manifest's) and the simulator's stock stand-ins; any
  // other script the report shows is kept without its execute bits.
  const runnable = async (p: string, text: string | null) =>
    !p.startsWith('/etc/grub.d/') ||
    (text !== null &&
      (ours.get(p) === text ||
        ((await tree.stat(p)) !== null && (await tree.read(p)).toString('utf8') === text)));
  const safeMode = async (p: string, mode: number, text: string | null) =>
    (await runnable(p, text)) ? mode : mode & ~0o111;
  const ok = body.events.filter((e) => !e.error);
  const statOf = new Map(ok.flatMap((e) => (e.op === 'stat' ? [[e.path, e.info] as const] : [])));
  const standIn = async (p: string, size: number, mode: number) => {
    await fs.mkdir(path.dirname(tree.hostPath(p)), { recursive: true });
    await fs.writeFile(tree.hostPath(p), '', { mode });
    // Sparse: the size the probes saw (an initramfs image's) without its bytes.
    await fs.truncate(tree.hostPath(p), size);
    await fs.chmod(tree.hostPath(p), mode);
  };
  for (const e of ok) {
    if (e.op !== 'list' || !e.entries) continue;
    const dir = safePath(file, e.path);
    for (const n of e.entries)
      if (n.includes('/') || n === '..' || n === '.' || n === '')
        throw unusable(file, `bad entry ${JSON.stringify(n)} in ${dir}`);
    await fs.mkdir(tree.hostPath(dir), { recursive: true });
    for (const have of await tree.list(dir))
      if (!e.entries.includes(have))
        await fs.rm(tree.hostPath(path.posix.join(dir, have)), { recursive: true, force: true });
    for (const n of e.entries) {
      const p = path.posix.join(dir, n);
      if (await tree.stat(p)) continue;
      const info = statOf.get(p);
      if (info?.kind === 'dir') await fs.mkdir(tree.hostPath(p), { recursive: true });
      else await standIn(p, info?.size ?? 0, await safeMode(p, info?.mode ?? 0o644, null));
    }
  }
  const dirModes: [string, number][] = [];
  for (const [p, info] of statOf) {
    safePath(file, p);
    const have = await tree.stat(p);
    if (info === null) {
      if (have) await fs.rm(tree.hostPath(p), { recursive: true, force: true });
    } else if (info.kind === 'dir') {
      await fs.mkdir(tree.hostPath(p), { recursive: true });
      dirModes.push([p, info.mode]);
    } else if (!have) await standIn(p, info.size, await safeMode(p, info.mode, null));
    else if (have.size !== info.size && info.kind === 'file') await fs.truncate(tree.hostPath(p), info.size);
  }
  for (const e of ok) {
    if (e.op !== 'read' || e.text === null) continue;
    const p = safePath(file, e.path);
    const mode = await safeMode(p, statOf.get(p)?.mode ?? (await tree.stat(p))?.mode ?? 0o644, e.text);
    await fs.mkdir(path.dirname(tree.hostPath(p)), { recursive: true });
    await fs.writeFile(tree.hostPath(p), e.text, { mode });
    await fs.chmod(tree.hostPath(p), mode);
  }
  // Last, so the files above could be written: root-only directories stay root-only (/etc/grub.d is 0700 on dom0).
  for (const [p, mode] of dirModes) await fs.chmod(tree.hostPath(p), mode);
}

/** The installer's one command substitution in /etc/default/grub (qubes-anaconda, write_defaults). */
const INSTALLER_DISTRIBUTOR = `GRUB_DISTRIBUTOR="$(sed 's, release .*$,,g' /etc/system-release)"`;
const PLAIN_ASSIGNMENT =
  /^(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=(?:"(?:[^"\\`$]|\\.|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)*"|'[^']*'|[^\s"'`$;&|<>()\\]*)\s*(?:#.*)?$/;

/**
 * The simulated grub2-mkconfig sources /etc/default/grub, as the real one does: a report's copy must be plain
 * assignments (values may expand variables, never run a command), or the import is refused.
 */
function checkSourcedFiles(body: ReportBody, file: string): void {
  for (const e of body.events) {
    if (e.op !== 'read' || e.error || e.path !== '/etc/default/grub' || e.text === null) continue;
    e.text.split('\n').forEach((line, i) => {
      const t = line.trim();
      if (t === '' || t.startsWith('#') || t === INSTALLER_DISTRIBUTOR || PLAIN_ASSIGNMENT.test(t)) return;
      throw unusable(
        file,
        `/etc/default/grub line ${i + 1} is not a plain assignment, and the simulator would run it`,
      );
    });
  }
}

export async function initSimFromReport(
  dir: string,
  reportFile: string,
  assetsDir: string,
): Promise<SimSystem> {
  const file = path.resolve(reportFile);
  const body = await readReport(file);
  const ours = new Map((await loadAssetBundle(assetsDir)).files.map((f) => [f.installPath, f.content]));
  checkSourcedFiles(body, file);
  let facts: SystemFacts;
  try {
    facts = await probeFacts(new ReplaySystem(body.events, file));
  } catch (e) {
    throw unusable(file, serializeError(e).message);
  }
  const state = simState(facts, body.events);
  const abs = await checkNewSimDir(dir);
  const work = path.join(path.dirname(abs), `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.mkdir(work, { recursive: true });
    const tree = new SimTree(work);
    await writeTreeFiles(tree, dom0Files(PROFILES[`qubes-${facts.qubesRelease}`]!));
    for (const [d, mode] of Object.entries(DIR_MODES)) await fs.chmod(tree.hostPath(d), mode);
    await applyFiles(tree, body, file, ours);
    await fs.writeFile(path.join(work, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
    // Valid simulated images where the machine had images (lsinitrd reads them), at the size the machine's had.
    const sim = await SimSystem.open(work);
    for (const k of facts.kernels) {
      if (!k.initramfs || k.initramfsBytes === null) continue;
      await sim.run({ bin: BIN.dracut, args: ['--force', k.initramfs, k.version], privileged: true });
      await fs.truncate(tree.hostPath(k.initramfs), k.initramfsBytes);
    }
    // The menu is what the tree's own grub.d scripts make (their stock stand-in and device ids are the
    // simulator's), as init does, unless the machine had a pending GRUB edit: its grub.cfg's stock entries
    // differed from its own grub2-mkconfig preview (the plan records it). Then the recorded grub.cfg stays.
    if (!(await tree.stat('/boot/grub2/grub.cfg')) || !hadPendingGrubEdit(body.events))
      await sim.run({ bin: BIN.grub2Mkconfig, args: ['-o', '/boot/grub2/grub.cfg'], privileged: true });
    // /boot's used bytes are the tree's files plus what lies outside it: make the sum what findmnt said.
    const boot = facts.bootFs.target !== facts.rootFs.target ? facts.bootFs : null;
    if (boot) {
      const inTree = await tree.bytesBelow(boot.target);
      await sim.updateState((s) => {
        const m = s.mounts.find((x) => x.target === boot.target)!;
        m.baseUsedBytes = Math.max(0, boot.usedBytes - inTree);
      });
    }
    await fs.rm(path.join(work, 'commands.jsonl'), { force: true });
    // An empty DIR is replaced by rename(2); a missing one is created by it.
    await fs.rename(work, abs);
  } catch (e) {
    await fs.rm(work, { recursive: true, force: true });
    throw e instanceof AppError ? e : unusable(file, serializeError(e).message);
  }
  return SimSystem.open(abs);
}
