import type { SystemFacts } from '../../../../shared/facts.js';
import type { MkdirOp, Operation, PendingGrub, TaskId, WriteOp } from '../../../../shared/plan.js';
import type { AssetBundle, AssetFile } from '../../assets/asset-bundle.js';
import { AppError } from '../../errors.js';
import { installedTransactions } from '../../journal/journal-store.js';
import type { Transaction } from '../../journal/transaction.js';
import type { System } from '../../system/system.js';
import { mkdirOp, writeOp } from '../operations.js';
import { PATHS } from '../paths.js';
import { type GrubPreview, pendingGrubChanges, previewStockEntries } from '../pending-grub.js';
import type { BootSizing } from '../sizing.js';

/** What the planner reads: the machine, its facts, the bundled assets, the RAM sizing and the journal. */
export interface PlanInputs {
  readonly sys: System;
  readonly facts: SystemFacts;
  readonly assets: AssetBundle;
  readonly sizing: BootSizing;
  readonly journal: readonly Transaction[];
}

/** What grub2-mkconfig would write, read once per plan: the configs it rewrites and a pending edit in them. */
export interface GrubState {
  readonly configs: readonly string[];
  readonly preview: GrubPreview;
  readonly pending: readonly PendingGrub[];
}

/**
 * One plan's shared state, handed to every task in registry order: what earlier tasks planned, and steps that
 * several tasks need (a directory, the GRUB state) planned or read once.
 */
export class PlannerContext implements PlanInputs {
  readonly sys: System;
  readonly facts: SystemFacts;
  readonly assets: AssetBundle;
  readonly sizing: BootSizing;
  readonly journal: readonly Transaction[];
  private readonly dirs = new Set<string>();
  private readonly done = new Map<TaskId, readonly Operation[]>();
  private grubState: Promise<GrubState> | null = null;
  private generated: Map<string, string> | null = null;

  constructor(inputs: PlanInputs) {
    this.sys = inputs.sys;
    this.facts = inputs.facts;
    this.assets = inputs.assets;
    this.sizing = inputs.sizing;
    this.journal = inputs.journal;
  }

  get release(): SystemFacts['qubesRelease'] {
    return this.facts.qubesRelease;
  }

  /** Make `path` if it is missing: the operation comes only the first time a task asks for that directory. */
  async ensureDir(path: string, mode = 0o755): Promise<MkdirOp[]> {
    if (this.dirs.has(path)) return [];
    this.dirs.add(path);
    return (await this.sys.stat(path)) ? [] : [mkdirOp(path, mode)];
  }

  /** Writes `content` unless the file already holds exactly it. */
  async writeIfChanged(path: string, content: string, mode: number, asset?: string): Promise<WriteOp[]> {
    const op = await writeOp(this.sys, path, content, { mode, ...(asset ? { asset } : {}) });
    return op.beforeSha256 === op.sha256 ? [] : [op];
  }

  /** Installs a bundled file unless it is in place already. */
  async install(f: AssetFile): Promise<WriteOp[]> {
    return this.writeIfChanged(f.installPath, f.content, f.mode, f.asset);
  }

  /** The bundled file installed at `installPath`; a bundle without it cannot be planned from. */
  asset(installPath: string): AssetFile {
    const f = this.assets.files.find((x) => x.installPath === installPath);
    if (!f)
      throw new AppError('asset-mismatch', 'internal', `the bundle has no ${installPath}`, {
        asset: installPath,
        expected: 'present',
        actual: 'missing',
      });
    return f;
  }

  /**
   * A file a command generated in an installed transaction still has the hash it had right after: its inputs
   * have not changed since, and there is no need to generate it again.
   */
  async isCurrent(path: string): Promise<boolean> {
    this.generated ??= generatedByUs(this.journal);
    const ours = this.generated.get(path);
    return ours !== undefined && (await this.sys.sha256(path)) === ours;
  }

  grub(): Promise<GrubState> {
    this.grubState ??= readGrubState(this.sys);
    return this.grubState;
  }

  /** The operations an earlier task in registry order planned (empty for a later or an unselected task). */
  planned(id: TaskId): readonly Operation[] {
    return this.done.get(id) ?? [];
  }

  /** Called by the planner loop after each task. */
  record(id: TaskId, ops: readonly Operation[]): void {
    this.done.set(id, ops);
  }
}

function generatedByUs(journal: readonly Transaction[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const tx of installedTransactions(journal).reverse()) {
    for (const s of tx.steps)
      if (s.after?.kind === 'generate')
        for (const f of s.after.files) if (f.sha256) out.set(f.path, f.sha256);
  }
  return out;
}

async function readGrubState(sys: System): Promise<GrubState> {
  const configs = await grubConfigs(sys);
  const preview = await previewStockEntries(sys);
  return { configs, preview, pending: await pendingGrubChanges(sys, configs, preview) };
}

/** The configs grub2-mkconfig writes: grub.cfg, and a 4.1-style full config on the ESP (80-grub2.install does). */
async function grubConfigs(sys: System): Promise<string[]> {
  const configs: string[] = [PATHS.grubCfg];
  const efi = (await sys.stat(PATHS.efiGrubCfg))
    ? await sys.readText(PATHS.efiGrubCfg).catch(() => 'configfile')
    : 'configfile';
  // A full config on the ESP is still what the firmware boots: regenerate it too.
  if (!/\bconfigfile\b/.test(efi)) configs.push(PATHS.efiGrubCfg);
  return configs;
}
