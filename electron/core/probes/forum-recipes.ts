import { parseFstab, SWAP_MARKER } from '../config/fstab-editor.js';
import { evaluateShellAssignments, parseShellAssignments } from '../config/shell-assignments.js';

/**
 * What the forum recipes this tool replaces write into dom0, and pure parsers for each leftover. Facts, by source
 * (read, never copied):
 *
 * leandroibov `ephemeral.sh` (github leandroibov/qubes-os-live-in-ram-tmpfs-anti-forensic, `4.2.ephemeral.sh`
 * at 75f5712c and `4.3.ephemeral.sh` at f4c4ee60, function ephemeral_qubes):
 *   - `/usr/lib/dracut/modules.d/01ramboot/` with `module-setup.sh` (check() returns 0, so dracut includes it in
 *     every image; installs tmpfs.sh as /usr/bin/tmpfs and pass.sh as a `cleanup 00` hook), `pass.sh` (asks
 *     "Boot to RAM? (y/n)" through ask_for_password), `tmpfs.sh` (zram0 sized by a `disksize` line, mkfs.ext2,
 *     `cp -a` of the disk root into it);
 *   - `/etc/dracut.conf.d/ramboot.conf`: `add_drivers+=" zram "` and `add_dracutmodules+=" ramboot "`;
 *   - `/etc/default/grub.bak` (cp of the original), then the GRUB_CMDLINE_XEN_DEFAULT line deleted and appended
 *     again at the end with `dom0_mem=min:1096M dom0_mem=max:<N>M`;
 *   - `/etc/fstab.bak` (cp of the original), then the `/dev/mapper/qubes_dom0-swap` line deleted;
 *   - `grub2-mkconfig -o /boot/grub2/grub.cfg` and `dracut --force`. Its own restore deletes 01ramboot and
 *     ramboot.conf and copies the two .bak files back.
 *
 * xuy's "Qubes in tmpfs" (forum.qubes-os.org t/11127; the thread was not reachable from here, so this follows
 * /work/shared/reference/anchors.md and the issue): the same `01ramboot` module idea (a `pre-pivot` copy of the
 * root into zram or a tmpfs) with `ramboot.conf`, an extra GRUB entry in `/etc/grub.d/40_custom` (a copy of the
 * Qubes Xen entry with a trigger word) or the word added to GRUB_CMDLINE_LINUX, a raised `dom0_mem=max`, and the
 * swap line commented out in fstab. leandroibov's script derives from it (same module and conf names).
 *
 * RamLovingPenguin's live modes (forum.qubes-os.org t/38868; not reachable from here either: anchors.md and the
 * issue): its own dracut module and "live mode" GRUB entries in 40_custom (trigger word `livemode`; the module
 * and word names are this tool's reading, not confirmed against the thread), `rw.service` in /etc/systemd/system
 * running `qvm-volume config VM:root rw False` at boot, `ephemeral_volatile=True` on vm-pool, and a `file`-driver
 * pool (`rampool`) on a tmpfs mounted from fstab.
 *
 * dracut facts (dracutdevs/dracut tag 059 — Qubes 4.2 — and dracut-ng/dracut-ng tag 103 — Qubes 4.3 —,
 * dracut-init.sh check_module and for_each_module_dir): a module's name is its directory without the two leading
 * digits; a name in `omit_dracutmodules` is never included, whatever `add_dracutmodules` says and in whichever conf
 * file — that is how the migration takes a module out of use; and a module that `add_dracutmodules` names but that
 * is not loaded makes dracut exit 1 unless it is omitted (059 l.1078-1091), so omitting also mends a conf whose
 * module was deleted.
 */

export const DRACUT_MODULES_DIR = '/usr/lib/dracut/modules.d';
export const RAMBOOT_CONF = '/etc/dracut.conf.d/ramboot.conf';
export const GRUB_CUSTOM = '/etc/grub.d/40_custom';
export const DEFAULT_GRUB_BAK = '/etc/default/grub.bak';
export const FSTAB_BAK = '/etc/fstab.bak';
export const SYSTEMD_ETC = '/etc/systemd/system';
/** Units the recipes install (the journal check accepts disabling only these). */
export const FORUM_UNITS: readonly string[] = ['rw.service'];
/** Our dracut conf that omits the recipes' modules; its own name, so a rollback only removes our file. */
export const FORUM_OMIT_CONF = '/etc/dracut.conf.d/91-qubes-stateless-forum.conf';

/** dracut module names (directory minus its two digits) of each recipe, and the kernel words that trigger them. */
export const FORUM_MODULES: Readonly<
  Record<string, { family: 'xuy' | 'ramlovingpenguin'; words: string[] }>
> = {
  ramboot: { family: 'xuy', words: ['ramboot'] },
  livemode: { family: 'ramlovingpenguin', words: ['livemode'] },
};
/** The recipe a dracut module name belongs to (own keys only: a directory named "01constructor" is none). */
export const forumModule = (name: string): (typeof FORUM_MODULES)[string] | undefined =>
  Object.hasOwn(FORUM_MODULES, name) ? FORUM_MODULES[name] : undefined;
/** Files only leandroibov's variant of the ramboot module has. */
export const LEANDROIBOV_MODULE_FILES: readonly string[] = ['pass.sh', 'tmpfs.sh'];
/**
 * The installer's dom0_mem=max: more is "raised". QubesOS/qubes-anaconda `qubesos.conf` (l.56, [Bootloader]
 * additional_default_grub_options) writes GRUB_CMDLINE_XEN_DEFAULT with `dom0_mem=max:4096M` on release4.2 and
 * release4.3 alike.
 */
export const INSTALLER_DOM0_MAX_MIB = 4096;

/** `01ramboot` -> `ramboot`, as dracut names it; null for a directory dracut would not load. */
export const dracutModuleName = (dir: string): string | null => /^[0-9]{2}(.+)$/.exec(dir)?.[1] ?? null;

/** The module names a dracut conf adds (`add_dracutmodules+=" a b "`); null when it cannot be parsed. */
export function addedDracutModules(text: string): string[] | null {
  try {
    const vars = evaluateShellAssignments(parseShellAssignments(text));
    return (vars.get('add_dracutmodules') ?? '').split(/\s+/).filter(Boolean);
  } catch {
    return null;
  }
}

/** Our omit conf for these module names (sorted, so the same modules give the same bytes). */
export function omitConf(modules: readonly string[]): string {
  return [
    '# qubes-stateless: forum recipe modules taken out of every initramfs (migration).',
    '# A rollback of that migration removes this file.',
    `omit_dracutmodules+=" ${[...modules].sort().join(' ')} "`,
    '',
  ].join('\n');
}

export interface CustomEntry {
  readonly title: string;
  /** 0-based line range [start, end] of the entry, its closing brace included. */
  readonly start: number;
  readonly end: number;
  /** The forum trigger words on its kernel (`module2`/`linux`) lines. */
  readonly words: string[];
}

/**
 * The menuentries of /etc/grub.d/40_custom (a script whose `tail` prints the rest as GRUB config) that a recipe
 * added: they boot Xen (`multiboot2`) and carry a recipe's trigger word on a kernel line, the word its module
 * acts on. A title alone says nothing: a user's own "Qubes RAM test" entry is theirs and is kept. `unbalanced`:
 * an entry never closed, so the file cannot be edited safely.
 */
export function customEntries(text: string): { entries: CustomEntry[]; unbalanced: string | null } {
  const lines = text.split('\n');
  const entries: CustomEntry[] = [];
  const allWords = Object.values(FORUM_MODULES).flatMap((m) => m.words);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*menuentry\s+(['"])(.*?)\1.*\{\s*$/.exec(lines[i]!);
    if (!m) continue;
    let depth = 1;
    let j = i + 1;
    for (; j < lines.length && depth > 0; j++) {
      depth += (lines[j]!.match(/\{/g) ?? []).length - (lines[j]!.match(/\}/g) ?? []).length;
      if (depth <= 0) break;
    }
    if (depth > 0) return { entries, unbalanced: m[2]! };
    const body = lines.slice(i, j + 1);
    const xen = body.some((l) => /^\s*multiboot2\s/.test(l));
    const words = allWords.filter((w) =>
      body.some(
        (l) =>
          /^\s*(module2|linux)\s/.test(l) && l.split(/\s+/).some((t) => t === w || t.startsWith(`${w}=`)),
      ),
    );
    if (xen && words.length > 0) entries.push({ title: m[2]!, start: i, end: j, words });
    i = j;
  }
  return { entries, unbalanced: null };
}

/** 40_custom without those entries (and one blank line each left before them). */
export function withoutEntries(text: string, entries: readonly CustomEntry[]): string {
  const lines = text.split('\n');
  const drop = new Set<number>();
  for (const e of entries) {
    for (let k = e.start; k <= e.end; k++) drop.add(k);
    if (e.start > 0 && lines[e.start - 1]!.trim() === '') drop.add(e.start - 1);
  }
  return lines.filter((_, k) => !drop.has(k)).join('\n');
}

/** Swap lines commented out by hand (not by our own swap task, which marks its lines). */
export function commentedSwapLines(fstab: string): string[] {
  return fstab.split('\n').filter((l) => !l.startsWith(SWAP_MARKER) && /^#\s*\S+\s+\S+\s+swap\s/.test(l));
}

/** Swap entries of `before` (the recipe's .bak) that `now` lacks: the lines the recipe deleted. */
export function deletedSwapLines(before: string, now: string): string[] {
  const live = new Set(parseFstab(now).map((e) => e.spec));
  return parseFstab(before)
    .filter((e) => e.type === 'swap' && !live.has(e.spec))
    .map((e) => e.spec);
}

/** A unit that sets root volumes read-only at boot: the qubes of its `qvm-volume config Q:root rw False` lines. */
export function readOnlyQubesOfUnit(unit: string): string[] {
  return [...unit.matchAll(/qvm-volume\s+config\s+([A-Za-z0-9_.-]+):root\s+rw\s+(?:False|false|0)\b/g)].map(
    (m) => m[1]!,
  );
}
