import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AppError } from '../core/errors.js';
import { PROFILES, PROFILE_NAMES, profileState } from './profiles/profiles.js';
import type { TreeFile } from './profiles/dom0-tree.js';
import { DIR_MODES, dom0Files } from './profiles/dom0-tree.js';
import { SIM_LAYOUTS, type SimLayout, applyLayout } from './profiles/layouts.js';
import { SimSystem, STATE_FILE } from './sim-system.js';
import { SimTree } from './sim-tree.js';
import { FORUM_PROFILES, forumTree } from './profiles/forum.js';
import type { ForumFamily } from '../../shared/forum-install.js';
import { BIN } from '../core/system/binaries.js';

/** A simulated dom0 goes into a directory that does not exist or is empty; checked before anything is made. */
export async function checkNewSimDir(dir: string): Promise<string> {
  const abs = path.resolve(dir);
  const entries = await fs.readdir(abs).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : e));
  if (entries instanceof Error)
    throw new AppError('sim-dir-unreadable', 'user', `cannot use ${abs}: ${entries.code}`, {
      dir: abs,
      reason: entries.code ?? 'error',
    });
  if (entries.length > 0)
    throw new AppError(
      'sim-dir-not-empty',
      'user',
      `${abs} is not empty; choose a new directory for the simulated dom0`,
      { dir: abs },
    );
  return abs;
}

/** Writes a profile's dom0 files into a simulated tree. */
export async function writeTreeFiles(tree: SimTree, files: readonly TreeFile[]): Promise<void> {
  for (const f of files) {
    await fs.mkdir(path.dirname(tree.hostPath(f.path)), { recursive: true });
    await fs.writeFile(tree.hostPath(f.path), f.content, { mode: f.mode });
    await fs.chmod(tree.hostPath(f.path), f.mode);
  }
}

/**
 * Create a simulated dom0 in `dir` (which must not exist or be empty) from a profile. The boot files that
 * dom0 generates (grub.cfg, initramfs images) are produced by the simulated tools themselves.
 */
export async function initSim(
  dir: string,
  profileName: string,
  layout: string = 'lvm-thin',
  /** A forum recipe followed on it before (profiles/forum.ts). */
  forum: string | null = null,
): Promise<SimSystem> {
  const profile = PROFILES[profileName];
  if (!profile) {
    throw new AppError(
      'unknown-profile',
      'user',
      `unknown profile "${profileName}" (known: ${PROFILE_NAMES.join(', ')})`,
      { profile: profileName, known: PROFILE_NAMES.join(', ') },
    );
  }
  if (!(SIM_LAYOUTS as readonly string[]).includes(layout)) {
    throw new AppError(
      'invalid-choice',
      'user',
      `unknown layout "${layout}" (known: ${SIM_LAYOUTS.join(', ')})`,
      { field: 'layout', reason: `unknown layout "${layout}" (known: ${SIM_LAYOUTS.join(', ')})` },
    );
  }
  if (forum !== null && !(FORUM_PROFILES as readonly string[]).includes(forum)) {
    throw new AppError(
      'invalid-choice',
      'user',
      `unknown forum recipe "${forum}" (known: ${FORUM_PROFILES.join(', ')})`,
      { field: 'forum', reason: `unknown forum recipe "${forum}" (known: ${FORUM_PROFILES.join(', ')})` },
    );
  }
  const lay = layout as SimLayout;
  const abs = await checkNewSimDir(dir);
  try {
    await fs.mkdir(abs, { recursive: true });
  } catch (e) {
    throw new AppError(
      'sim-dir-unreadable',
      'user',
      `cannot create ${abs}: ${(e as NodeJS.ErrnoException).code}`,
      { dir: abs, reason: (e as NodeJS.ErrnoException).code ?? 'error' },
    );
  }
  const tree = new SimTree(abs);
  let files = dom0Files(profile, lay);
  let state = applyLayout(profileState(profile), lay);
  const recipe = forum ? withForum(files, forum as ForumFamily, profile) : null;
  if (recipe) {
    const replaced = new Set(recipe.files.map((f) => f.path));
    files = [...files.filter((f) => !replaced.has(f.path)), ...recipe.files];
    state = recipe.state(state);
  }
  await writeTreeFiles(tree, files);
  for (const [link, target] of Object.entries(recipe?.symlinks ?? {})) {
    await fs.mkdir(path.dirname(tree.hostPath(link)), { recursive: true });
    await fs.symlink(target, tree.hostPath(link));
  }
  for (const [dir, mode] of Object.entries(DIR_MODES)) await fs.chmod(tree.hostPath(dir), mode);
  await fs.writeFile(path.join(abs, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
  const sim = await SimSystem.open(abs);
  for (const k of profile.kernels) {
    await sim.run({ bin: BIN.dracut, args: ['--force', `/boot/initramfs-${k}.img`, k], privileged: true });
  }
  // As the installer does last: the menu of the installed kernels and images, by the tree's own grub.d scripts.
  await sim.run({ bin: BIN.grub2Mkconfig, args: ['-o', '/boot/grub2/grub.cfg'], privileged: true });
  await fs.rm(path.join(abs, 'commands.jsonl'), { force: true });
  return sim;
}

function withForum(files: readonly TreeFile[], family: ForumFamily, profile: (typeof PROFILES)[string]) {
  const text = (p: string): string => {
    const f = files.find((x) => x.path === p);
    if (!f) throw new Error(`the profile tree has no ${p}`);
    return f.content.toString();
  };
  return forumTree(family, profile, {
    defaultGrub: text('/etc/default/grub'),
    fstab: text('/etc/fstab'),
    custom: text('/etc/grub.d/40_custom'),
  });
}
