import type { QubesRelease, SystemFacts } from '../../../shared/facts.js';
import type { ForumFamily, ForumInstall, ForumLeftover } from '../../../shared/forum-install.js';
import { type Message, message } from '../../../shared/message.js';
import { effectiveValue } from '../config/default-grub-editor.js';
import { AppError } from '../errors.js';
import type { SystemReader } from '../system/system.js';
import { PATHS } from '../tasks/paths.js';
import { readSetting } from '../tasks/settings.js';
import {
  DEFAULT_GRUB_BAK,
  DRACUT_MODULES_DIR,
  FORUM_MODULES,
  FORUM_OMIT_CONF,
  FORUM_UNITS,
  FSTAB_BAK,
  GRUB_CUSTOM,
  INSTALLER_DOM0_MAX_MIB,
  LEANDROIBOV_MODULE_FILES,
  RAMBOOT_CONF,
  SYSTEMD_ETC,
  type CustomEntry,
  addedDracutModules,
  commentedSwapLines,
  customEntries,
  deletedSwapLines,
  dracutModuleName,
  forumModule,
  omitConf,
  readOnlyQubesOfUnit,
} from './forum-recipes.js';
import { parseDom0Mem } from './parse-xl.js';

/**
 * Finds what a forum recipe (forum-recipes.ts says which writes what) left on this dom0, and what the migration
 * task will do with each leftover. Reads only, through the System (root-only files such as /etc/grub.d through its
 * privileged read path); a leftover it cannot read or parse is a problem in the result, never a change.
 */

/** What the migration task needs beyond the report: the exact files to edit and names to omit or disable. */
export interface ForumFindings {
  readonly report: ForumInstall | null;
  /** dracut module names to omit. */
  readonly modules: string[];
  /** 40_custom entries to take out (empty when the file could not be parsed). */
  readonly customEntries: CustomEntry[];
  readonly customText: string | null;
  /** Units to disable. */
  readonly units: string[];
}

/**
 * A variable of /etc/default/grub as grub2-mkconfig sources it. When shell logic decides it, the value is not
 * known: the report says so (and the line) rather than reading it as empty.
 */
function grubValue(text: string, name: string, problems: Message[]): string {
  try {
    return effectiveValue(text, name, PATHS.defaultGrub) ?? '';
  } catch (e) {
    if (!(e instanceof AppError) || e.code !== 'precondition-failed') throw e;
    problems.push(
      message('forum.problem.grubShellLogic', { path: PATHS.defaultGrub, name, line: Number(e.params.line) }),
    );
    return '';
  }
}

async function readIfThere(sys: SystemReader, path: string): Promise<string | null> {
  return (await sys.stat(path)) ? sys.readText(path) : null;
}

/** The facts the detection reads: the pools (qvm-pool info), host memory for dom0_mem's relative sizes. */
export type ForumFacts = Pick<SystemFacts, 'pools'> & {
  readonly memory: Pick<SystemFacts['memory'], 'totalMiB'>;
};

/** Everything the recipes leave, with its fate. */
export async function findForumLeftovers(
  sys: SystemReader,
  facts: ForumFacts,
  release: QubesRelease,
): Promise<ForumFindings> {
  const { pools } = facts;
  const leftovers: ForumLeftover[] = [];
  const problems: Message[] = [];
  const votes: Record<ForumFamily, number> = { xuy: 0, ramlovingpenguin: 0, leandroibov: 0 };
  const modules: string[] = [];
  const words: string[] = [];

  // dracut modules of the recipes (by name; ours is 90qubes-stateless and never matches).
  const dirs = (await sys.stat(DRACUT_MODULES_DIR)) ? await sys.listDir(DRACUT_MODULES_DIR) : [];
  for (const dir of dirs.sort()) {
    const name = dracutModuleName(dir);
    const known = name ? forumModule(name) : undefined;
    if (!name || !known) continue;
    const path = `${DRACUT_MODULES_DIR}/${dir}`;
    const files = await sys.listDir(path).catch(() => [] as string[]);
    const leandro = LEANDROIBOV_MODULE_FILES.filter((f) => files.includes(f));
    votes[leandro.length ? 'leandroibov' : known.family] += 2;
    if (!files.includes('module-setup.sh'))
      problems.push(message('forum.problem.moduleIncomplete', { path, missing: 'module-setup.sh' }));
    if (leandro.length === 1)
      problems.push(
        message('forum.problem.moduleIncomplete', {
          path,
          missing: LEANDROIBOV_MODULE_FILES.find((f) => !leandro.includes(f))!,
        }),
      );
    modules.push(name);
    words.push(...known.words);
    leftovers.push({
      kind: 'dracut-module',
      path,
      detail: name,
      fate: 'disabled',
      reason: message('forum.reason.omitted'),
    });
  }

  // The confs that add them (ramboot.conf, livemode.conf; our own omit conf is not one).
  const confDir = '/etc/dracut.conf.d';
  const confs = (await sys.stat(confDir))
    ? (await sys.listDir(confDir)).filter((f) => f.endsWith('.conf'))
    : [];
  for (const name of confs.sort()) {
    const path = `${confDir}/${name}`;
    if (path === FORUM_OMIT_CONF) continue;
    const added = addedDracutModules(await sys.readText(path)) ?? [];
    const forum = added.filter((m) => forumModule(m));
    // A conf that adds no recipe module is not overruled by our omit conf (that omits modules only), nor does it
    // need to be: not a leftover. The recipe's own conf name edited that way is named as a problem.
    if (!forum.length) {
      if (path === RAMBOOT_CONF) problems.push(message('forum.problem.confWithoutModule', { path }));
      continue;
    }
    for (const m of forum)
      if (!modules.includes(m)) {
        problems.push(message('forum.problem.moduleMissing', { path, module: m }));
        modules.push(m);
      }
    leftovers.push({
      kind: 'dracut-conf',
      path,
      detail: added.join(' '),
      fate: 'disabled',
      reason: message('forum.reason.overruled'),
    });
  }

  // GRUB: the recipe's entries in 40_custom, its word on the normal entry, a raised dom0_mem.
  const customText = await readIfThere(sys, GRUB_CUSTOM);
  let entries: CustomEntry[] = [];
  if (customText !== null) {
    const parsed = customEntries(customText);
    if (parsed.unbalanced !== null) {
      problems.push(
        message('forum.problem.customUnbalanced', { path: GRUB_CUSTOM, title: parsed.unbalanced }),
      );
      for (const e of parsed.entries)
        leftovers.push({
          kind: 'grub-entry',
          path: GRUB_CUSTOM,
          detail: e.title,
          fate: 'kept',
          reason: message('forum.reason.unparsable'),
        });
    } else {
      entries = parsed.entries;
      for (const e of entries) {
        for (const w of e.words)
          votes[Object.values(FORUM_MODULES).find((m) => m.words.includes(w))!.family] += 1;
        leftovers.push({
          kind: 'grub-entry',
          path: GRUB_CUSTOM,
          detail: e.title,
          fate: 'removed',
          reason: message('forum.reason.ourEntry'),
        });
      }
    }
  }
  const grub = await readIfThere(sys, PATHS.defaultGrub);
  const bak = await readIfThere(sys, DEFAULT_GRUB_BAK);
  if (grub !== null) {
    const linux = grubValue(grub, 'GRUB_CMDLINE_LINUX', problems).split(/\s+/);
    const allWords = Object.values(FORUM_MODULES).flatMap((m) => m.words);
    for (const w of allWords.filter((x) => linux.some((t) => t === x || t.startsWith(`${x}=`)))) {
      votes[Object.values(FORUM_MODULES).find((m) => m.words.includes(w))!.family] += 1;
      leftovers.push({
        kind: 'grub-cmdline',
        path: PATHS.defaultGrub,
        detail: w,
        fate: 'kept',
        reason: message('forum.reason.normalEntryInert'),
      });
    }
    // Xen's own reading of the line: a bare number is KiB, `max:-N` and `N%` are relative to host memory.
    const max = parseDom0Mem(
      grubValue(grub, 'GRUB_CMDLINE_XEN_DEFAULT', problems),
      facts.memory.totalMiB,
    ).maxMiB;
    if (max !== null && max > INSTALLER_DOM0_MAX_MIB && (modules.length || entries.length || bak !== null))
      leftovers.push({
        kind: 'dom0-mem',
        path: PATHS.defaultGrub,
        detail: `dom0_mem=max:${max}M`,
        fate: 'kept',
        reason:
          bak !== null
            ? message('forum.reason.normalEntryBak', { bak: DEFAULT_GRUB_BAK })
            : message('forum.reason.normalEntry'),
      });
  }

  // fstab: the swap line commented out, or deleted with a .bak kept.
  const fstab = await readIfThere(sys, PATHS.fstab);
  const fstabBak = await readIfThere(sys, FSTAB_BAK);
  const forumish = modules.length > 0 || entries.length > 0;
  if (fstab !== null && forumish)
    for (const line of commentedSwapLines(fstab))
      leftovers.push({
        kind: 'fstab-swap',
        path: PATHS.fstab,
        detail: line.replace(/^#\s*/, '').split(/\s+/)[0]!,
        fate: 'kept',
        reason: message('forum.reason.swapChoice'),
      });
  if (fstab !== null && fstabBak !== null)
    for (const spec of deletedSwapLines(fstabBak, fstab))
      leftovers.push({
        kind: 'fstab-swap',
        path: PATHS.fstab,
        detail: spec,
        fate: 'kept',
        reason: message('forum.reason.swapChoice'),
      });
  for (const [path, text] of [
    [DEFAULT_GRUB_BAK, bak],
    [FSTAB_BAK, fstabBak],
  ] as const) {
    if (text === null || (!forumish && !(path === DEFAULT_GRUB_BAK && bak !== null && fstabBak !== null)))
      continue;
    votes.leandroibov += 1;
    leftovers.push({
      kind: 'backup-file',
      path,
      detail: '',
      fate: 'kept',
      reason: message('forum.reason.recipeBackup'),
    });
  }

  // RamLovingPenguin: the unit that makes root volumes read-only at boot, its pool settings.
  const units: string[] = [];
  for (const unit of FORUM_UNITS) {
    const path = `${SYSTEMD_ETC}/${unit}`;
    const text = await readIfThere(sys, path);
    if (text === null) continue;
    const qubes = readOnlyQubesOfUnit(text);
    // A unit of the same name that does something else is not the recipe's: not a leftover.
    if (!qubes.length) continue;
    votes.ramlovingpenguin += 2;
    units.push(unit);
    leftovers.push({
      kind: 'systemd-unit',
      path,
      detail: qubes.join(' '),
      fate: 'disabled',
      reason: message('forum.reason.unitReadOnlyRoot'),
    });
  }
  const rlp = votes.ramlovingpenguin > 0;
  for (const p of pools) {
    if (rlp && p.driver === 'file' && /ram/i.test(p.name)) {
      leftovers.push({
        kind: 'ram-pool',
        path: p.options.dir_path ?? '',
        detail: p.name,
        fate: 'kept',
        reason: message('forum.reason.poolMayHoldQubes'),
      });
      votes.ramlovingpenguin += 1;
    }
    if (rlp && p.options.ephemeral_volatile === 'True')
      leftovers.push({
        kind: 'pool-option',
        path: `pool:${p.name}`,
        detail: 'ephemeral_volatile=True',
        fate: 'kept',
        reason: message('forum.reason.sameSetting'),
      });
  }

  const family = (Object.entries(votes) as [ForumFamily, number][])
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])[0]?.[0];
  // Migrated: our omit conf omits exactly these modules, no recipe entry is left in the menu, its units are off.
  const omit = await readIfThere(sys, FORUM_OMIT_CONF);
  let migrated = (modules.length === 0 || omit === omitConf(modules)) && entries.length === 0;
  for (const unit of units)
    if (migrated) migrated = (await readSetting(sys, { kind: 'unit-enabled', unit }, release)) === 'disabled';
  const report: ForumInstall | null =
    family && leftovers.length ? { family, leftovers, migrated, problems } : null;
  return { report, modules, customEntries: entries, customText, units };
}

export async function detectForumInstall(
  sys: SystemReader,
  facts: ForumFacts,
  release: QubesRelease,
): Promise<ForumInstall | null> {
  return (await findForumLeftovers(sys, facts, release)).report;
}
