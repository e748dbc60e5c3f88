import { createHash } from 'node:crypto';
import { evaluateShellAssignments, parseShellAssignments } from '../config/shell-assignments.js';
import type { SimState } from './sim-state.js';
import type { SimTree } from './sim-tree.js';

/**
 * What grub2-mkconfig and dracut would produce in the simulated dom0, as deterministic functions of the tree:
 * regenerating after a rollback gives the original bytes back, as on a real machine with the same inputs.
 */

export const BOOT_UUID = '5d0c2a1e-8f3b-4c6d-9e7a-1b2c3d4e5f60';
const MiB = 1024 * 1024;

export interface XenEntryContext {
  readonly vars: ReadonlyMap<string, string>;
  readonly xenVersion: string;
  readonly kernels: readonly string[];
  readonly distributor: string;
}

export function xenEntry(ctx: XenEntryContext, o: { title: string; id: string; kernel: string; xenArgs: string; linuxArgs: string; indent: string }): string {
  const i = o.indent;
  return [
    `${i}menuentry '${o.title}' --class qubes --class gnu-linux --class gnu --class os --class xen $menuentry_id_option '${o.id}' {`,
    `${i}\tinsmod part_gpt`,
    `${i}\tinsmod ext2`,
    `${i}\tsearch --no-floppy --fs-uuid --set=root ${BOOT_UUID}`,
    `${i}\techo\t'Loading Xen ${ctx.xenVersion} ...'`,
    `${i}        if [ "$grub_platform" = "pc" -o "$grub_platform" = "" ]; then`,
    `${i}            xen_rm_opts=`,
    `${i}        else`,
    `${i}            xen_rm_opts="no-real-mode edd=off"`,
    `${i}        fi`,
    `${i}\tinsmod multiboot2`,
    `${i}\tmultiboot2\t/xen-${ctx.xenVersion}.gz placeholder ${o.xenArgs} \${xen_rm_opts}`,
    `${i}\techo\t'Loading Linux ${o.kernel} ...'`,
    `${i}\tmodule2\t/vmlinuz-${o.kernel} placeholder root=/dev/mapper/qubes_dom0-root ro ${o.linuxArgs}`,
    `${i}\techo\t'Loading initial ramdisk ...'`,
    `${i}\tinsmod multiboot2`,
    `${i}\tmodule2 --nounzip   /initramfs-${o.kernel}.img`,
    `${i}}`,
  ].join('\n');
}

function stockXenSection(ctx: XenEntryContext): string {
  const xenArgs = `${ctx.vars.get('GRUB_CMDLINE_XEN') ?? ''} ${ctx.vars.get('GRUB_CMDLINE_XEN_DEFAULT') ?? ''}`.trim();
  const linuxArgs = `${ctx.vars.get('GRUB_CMDLINE_LINUX') ?? ''} ${ctx.vars.get('GRUB_CMDLINE_LINUX_DEFAULT') ?? ''}`.trim();
  const [newest] = ctx.kernels;
  if (!newest) return '';
  const out = [xenEntry(ctx, { title: `${ctx.distributor}, with Xen hypervisor`, id: `xen-gnulinux-simple-${BOOT_UUID}`, kernel: newest, xenArgs, linuxArgs, indent: '' })];
  out.push(`submenu 'Advanced options for ${ctx.distributor} (with Xen hypervisor)' $menuentry_id_option 'gnulinux-advanced-${BOOT_UUID}' {`);
  out.push(`\tsubmenu 'Xen hypervisor, version ${ctx.xenVersion}' $menuentry_id_option 'xen-hypervisor-${ctx.xenVersion}-${BOOT_UUID}' {`);
  for (const k of ctx.kernels) {
    out.push(xenEntry(ctx, { title: `${ctx.distributor}, with Xen ${ctx.xenVersion} and Linux ${k}`, id: `xen-gnulinux-${k}-advanced-${BOOT_UUID}`, kernel: k, xenArgs, linuxArgs, indent: '\t\t' }));
  }
  out.push('\t}', '}');
  return out.join('\n');
}

const HEADER = `set pager=1

if [ -f \${config_directory}/grubenv ]; then
  load_env -f \${config_directory}/grubenv
elif [ -s $prefix/grubenv ]; then
  load_env
fi
if [ "\${next_entry}" ] ; then
   set default="\${next_entry}"
   set next_entry=
   save_env next_entry
   set boot_once=true
else
   set default="\${saved_entry}"
fi

if [ x"\${feature_menuentry_id}" = xy ]; then
  menuentry_id_option="--id"
else
  menuentry_id_option=""
fi

export menuentry_id_option

function load_video {
  insmod all_video
}

terminal_output console
if [ x$feature_timeout_style = xy ] ; then
  set timeout_style=menu
  set timeout=5
else
  set timeout=5
fi`;

/** Kernels 20_linux_xen would list: vmlinuz-* with CONFIG_XEN_DOM0=y, newest first. */
export async function xenKernels(tree: SimTree): Promise<string[]> {
  const names = await tree.list('/boot');
  const out: string[] = [];
  for (const n of names) {
    const m = /^vmlinuz-(.+)$/.exec(n);
    if (!m || !names.includes(`config-${m[1]}`)) continue;
    if (/^CONFIG_XEN_DOM0=y$/m.test((await tree.read(`/boot/config-${m[1]}`)).toString())) out.push(m[1]!);
  }
  return out.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
}

/**
 * What assets/grub.d/21_qubes_stateless prints: for each mode in its config, the stock first entry with the
 * title "(stateless: MODE)", an id prefixed "qubes-stateless-MODE-", our words on the Linux line and a
 * dom0_mem=max on the Xen line. Without a valid config it prints nothing, as the script does.
 */
async function statelessSection(tree: SimTree, ctx: XenEntryContext): Promise<string> {
  if (!(await tree.stat('/etc/qubes-stateless/grub.conf'))) return '';
  const conf = evaluateShellAssignments(parseShellAssignments((await tree.read('/etc/qubes-stateless/grub.conf')).toString()));
  const modes = (conf.get('QS_MODES') ?? '').split(/\s+/).filter((m) => ['overlay', 'zram', 'tmpfs'].includes(m));
  const mem = conf.get('QS_DOM0_MEM_MAX_MIB') ?? '';
  const [newest] = ctx.kernels;
  if (!modes.length || !/^[1-9][0-9]{3,6}$/.test(mem) || !newest) return '';
  const xenArgs = `${ctx.vars.get('GRUB_CMDLINE_XEN') ?? ''} ${ctx.vars.get('GRUB_CMDLINE_XEN_DEFAULT') ?? ''} dom0_mem=max:${mem}M`.trim();
  return modes
    .map((mode) => {
      const words = `rd.qubes.stateless=${mode}${conf.get('QS_LINUX_ARGS') ? ` ${conf.get('QS_LINUX_ARGS')}` : ''}`;
      const linuxArgs = `${ctx.vars.get('GRUB_CMDLINE_LINUX') ?? ''} ${`${ctx.vars.get('GRUB_CMDLINE_LINUX_DEFAULT') ?? ''} ${words}`.trim()}`.trim();
      return xenEntry(ctx, { title: `${ctx.distributor} (stateless: ${mode}), with Xen hypervisor`, id: `qubes-stateless-${mode}-xen-gnulinux-simple-${BOOT_UUID}`, kernel: newest, xenArgs, linuxArgs, indent: '' });
    })
    .join('\n');
}

export async function renderGrubCfg(tree: SimTree, state: SimState): Promise<string> {
  const vars = evaluateShellAssignments(parseShellAssignments((await tree.read('/etc/default/grub')).toString()));
  const ctx: XenEntryContext = { vars, xenVersion: state.host.xenVersion, kernels: await xenKernels(tree), distributor: 'Qubes' };
  const sections: string[] = [];
  for (const name of await tree.list('/etc/grub.d')) {
    const st = await tree.stat(`/etc/grub.d/${name}`);
    // grub2-mkconfig runs only executable scripts and skips editor/rpm leftovers.
    if (!st || st.kind !== 'file' || (st.mode & 0o111) === 0 || /~$|\.rpm(save|new|orig)$|^#.*#$|^README$/.test(name)) continue;
    let body = '';
    if (name === '00_header') body = HEADER;
    else if (name === '20_linux_xen') body = stockXenSection(ctx);
    else if (name === '40_custom') body = (await tree.read('/etc/grub.d/40_custom')).toString().split('\n').slice(2).join('\n').trimEnd();
    else if (name === '21_qubes_stateless') body = await statelessSection(tree, ctx);
    sections.push(`### BEGIN /etc/grub.d/${name} ###\n${body ? `${body}\n` : ''}### END /etc/grub.d/${name} ###`);
  }
  return `#\n# DO NOT EDIT THIS FILE\n#\n# It is automatically generated by grub2-mkconfig using templates\n# from /etc/grub.d and settings from /etc/default/grub\n#\n\n${sections.join('\n\n')}\n`;
}

/** dracut modules an image gets: the stock set plus every `add_dracutmodules+=` from the conf dirs. */
export async function dracutModules(tree: SimTree): Promise<string[]> {
  const mods = new Set(['base', 'bash', 'crypt', 'dm', 'lvm', 'kernel-modules', 'rootfs-block', 'systemd', 'systemd-initrd', 'dracut-systemd', 'udev-rules', 'plymouth', 'qubes-udev', 'qubes-pciback', 'extra-modules', 'usrmount', 'shutdown']);
  const available = new Set((await tree.list('/usr/lib/dracut/modules.d')).map((d) => d.slice(2)));
  const confs: string[] = [];
  for (const dir of ['/usr/lib/dracut/dracut.conf.d', '/etc/dracut.conf.d']) {
    for (const f of await tree.list(dir).catch(() => [] as string[])) if (f.endsWith('.conf')) confs.push(`${dir}/${f}`);
  }
  // dracut reads conf files sorted by basename across both directories; /etc overrides a same-named /usr/lib file.
  const byName = new Map<string, string>();
  for (const c of confs) byName.set(c.split('/').pop()!, c);
  for (const name of [...byName.keys()].sort()) {
    const vars = evaluateShellAssignments(parseShellAssignments((await tree.read(byName.get(name)!)).toString()));
    for (const m of (vars.get('add_dracutmodules') ?? '').split(/\s+/)) if (m && available.has(m)) mods.add(m);
    for (const m of (vars.get('omit_dracutmodules') ?? '').split(/\s+/)) mods.delete(m);
  }
  return [...mods].sort();
}

/** A stand-in image: the module list in clear (tests read it) padded with deterministic bytes. */
export function renderInitramfs(kver: string, modules: readonly string[], moduleHashes: readonly string[]): Buffer {
  const head = Buffer.from(`SIMULATED INITRAMFS\nkver=${kver}\nmodules=${modules.join(' ')}\nmodule-files=${moduleHashes.join(' ')}\n\n`);
  const seed = createHash('sha256').update(head).digest();
  const pad = Buffer.alloc(Math.max(0, MiB / 16 - head.length));
  for (let i = 0; i < pad.length; i += 32) createHash('sha256').update(seed).update(String(i)).digest().copy(pad, i);
  return Buffer.concat([head, pad]);
}
