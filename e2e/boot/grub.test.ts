// assets/grub.d/21_qubes_stateless against a fake Qubes /boot and a realistic
// /etc/default/grub, driven like grub2-mkconfig (see grub-fixture.ts).
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CACHE } from './harness.js';
import {
  addKernel,
  grubScriptCheck,
  makeFakeBoot,
  menuIds,
  runFakeMkconfig,
  type MkconfigResult,
} from './grub-fixture.js';

const WORK = join(CACHE, 'grub');
const CHECK_FILE = join(WORK, 'check.cfg');

/** Top-level menuentry blocks of a section: title line -> body. */
function entries(section: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of section.matchAll(/^menuentry '([^']*)'[^\n]*\{\n([\s\S]*?)^\}$/gm)) {
    out.set(m[1] ?? '', m[0]);
  }
  return out;
}

function withoutOurs(r: MkconfigResult): string {
  return r.stdout.replace(/\n### BEGIN 21_qubes_stateless ###\n[\s\S]*?### END 21_qubes_stateless ###\n/, '');
}

describe('GRUB: 21_qubes_stateless', () => {
  let stockOnly: MkconfigResult;
  let withUs: MkconfigResult;

  beforeAll(() => {
    mkdirSync(WORK, { recursive: true });
    stockOnly = runFakeMkconfig(makeFakeBoot(join(WORK, 'stock'), { withOurs: false }));
    withUs = runFakeMkconfig(makeFakeBoot(join(WORK, 'ours'), { withOurs: true }));
  });

  it('produces a config that grub-script-check accepts', () => {
    expect(withUs.status).toBe(0);
    const [ok, msg] = grubScriptCheck(withUs.stdout, CHECK_FILE);
    expect(msg).toBe('');
    expect(ok).toBe(true);
  });

  it('leaves the stock entries byte-identical', () => {
    const stock = stockOnly.sections.get('20_linux_xen') ?? '';
    expect(stock).toContain("menuentry 'Qubes, with Xen hypervisor'");
    expect(withUs.sections.get('20_linux_xen')).toBe(stock);
    // The fake trees differ only in their path; compare with it normalised.
    const norm = (s: string): string =>
      s.replaceAll(join(WORK, 'ours'), 'X').replaceAll(join(WORK, 'stock'), 'X');
    expect(norm(withoutOurs(withUs))).toBe(norm(stockOnly.stdout));
    expect(withUs.stdout).not.toContain('10_linux-must-not-run');
  });

  it('adds one entry per mode, newest Xen and kernel, with our words and dom0_mem', () => {
    const ours = entries(withUs.sections.get('21_qubes_stateless') ?? '');
    expect([...ours.keys()]).toEqual([
      'Qubes (stateless: overlay), with Xen hypervisor',
      'Qubes (stateless: zram), with Xen hypervisor',
      'Qubes (stateless: tmpfs), with Xen hypervisor',
    ]);
    const stockSimple =
      entries(withUs.sections.get('20_linux_xen') ?? '').get('Qubes, with Xen hypervisor') ?? '';
    for (const mode of ['overlay', 'zram', 'tmpfs']) {
      const e = ours.get(`Qubes (stateless: ${mode}), with Xen hypervisor`) ?? '';
      expect(e).toContain('--class qubes --class gnu-linux');
      const xen = e.split('\n').find((l) => /^\tmultiboot2\t/.test(l)) ?? '';
      expect(xen).toContain('/xen-4.17.5.gz placeholder');
      // The stock dom0_mem words stay; ours comes last, so it wins.
      expect(xen).toMatch(/dom0_mem=min:1024M dom0_mem=max:4096M .* dom0_mem=max:12288M \$\{xen_rm_opts\}$/);
      const linux = e.split('\n').find((l) => /^\tmodule2\t\/vmlinuz/.test(l)) ?? '';
      expect(linux).toContain(
        '/vmlinuz-6.6.63-1.qubes.fc37.x86_64 placeholder root=/dev/mapper/qubes_dom0-root ro ',
      );
      // Everything of the stock line, junk tokens and the appended hide_all_usb included.
      expect(linux).toContain('6.1.62-1.qubes.fc37.x86_64 x86_64 rhgb quiet rd.qubes.hide_all_usb');
      expect(linux).toMatch(
        new RegExp(
          `rd\\.qubes\\.hide_all_usb rd\\.qubes\\.stateless=${mode} rd\\.qubes\\.stateless\\.comp=zstd rd\\.qubes\\.stateless\\.prompt=10 init_on_free=1$`,
        ),
      );
      expect(e).toContain('module2\t--nounzip   /initramfs-6.6.63-1.qubes.fc37.x86_64.img');
      expect(e).not.toContain('savedefault');
      // Same body as the stock simple entry apart from title, id and our words.
      const normalise = (s: string): string =>
        s
          .replace(/^menuentry [^\n]*\n/, '')
          .replace(' dom0_mem=max:12288M', '')
          .replace(
            / rd\.qubes\.stateless=\S+ rd\.qubes\.stateless\.comp=zstd rd\.qubes\.stateless\.prompt=10 init_on_free=1/,
            ' ',
          );
      expect(normalise(e)).toBe(normalise(stockSimple));
    }
  });

  it('gives our entries unique ids that no stock entry uses', () => {
    const ours = menuIds(withUs.sections.get('21_qubes_stateless') ?? '');
    const stock = menuIds(withUs.sections.get('20_linux_xen') ?? '');
    expect(ours).toHaveLength(3);
    expect(new Set(ours).size).toBe(3);
    for (const id of ours) {
      expect(id).toMatch(/^qubes-stateless-(overlay|zram|tmpfs)-xen-gnulinux-simple-/);
      expect(stock).not.toContain(id);
    }
    // Top-level ids of the whole menu are unique too (stock repeats per-kernel
    // ids only inside different Xen submenus, which GRUB scopes by path).
    const top = [
      ...withUs.stdout.matchAll(/^(?:menuentry|submenu) [^\n]*\$menuentry_id_option '([^']+)'/gm),
    ].map((m) => m[1]);
    expect(new Set(top).size).toBe(top.length);
  });

  it('follows a kernel update when grub2-mkconfig runs again', () => {
    const fb = makeFakeBoot(join(WORK, 'update'), { withOurs: true });
    addKernel(fb, '6.6.70-1.qubes.fc37.x86_64');
    const r = runFakeMkconfig(fb);
    const ours = r.sections.get('21_qubes_stateless') ?? '';
    expect(ours.match(/vmlinuz-6\.6\.70-1\.qubes\.fc37\.x86_64 placeholder/g)).toHaveLength(3);
    expect(ours).not.toContain('6.6.63-1.qubes.fc37.x86_64 placeholder');
    expect(grubScriptCheck(r.stdout, CHECK_FILE)[0]).toBe(true);
  });

  it('keeps one entry per mode when the menu is flat and never saves the default', () => {
    const fb = makeFakeBoot(join(WORK, 'flat'), { withOurs: true });
    const r = runFakeMkconfig(fb, 'GRUB_DISABLE_SUBMENU=true\nGRUB_SAVEDEFAULT=true');
    const ours = r.sections.get('21_qubes_stateless') ?? '';
    expect(menuIds(ours)).toHaveLength(3);
    expect(ours).not.toContain('savedefault');
    expect(r.sections.get('20_linux_xen')).toContain('savedefault');
    expect(grubScriptCheck(r.stdout, CHECK_FILE)[0]).toBe(true);
  });

  it('appends to GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT when that is what 20_linux_xen uses', () => {
    const fb = makeFakeBoot(join(WORK, 'replace'), { withOurs: true });
    const r = runFakeMkconfig(fb, 'GRUB_CMDLINE_LINUX_XEN_REPLACE_DEFAULT="xen_replace_word"');
    const ours = r.sections.get('21_qubes_stateless') ?? '';
    expect(ours).toMatch(/xen_replace_word rd\.qubes\.stateless=zram /);
  });

  const BAD: Array<[string, string | null]> = [
    ['no config file', null],
    ['command substitution', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12288"\nQS_LINUX_ARGS="$(reboot)"\n'],
    ['backticks', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12288"\nQS_LINUX_ARGS="`reboot`"\n'],
    ['semicolon', 'QS_MODES="zram; reboot"\nQS_DOM0_MEM_MAX_MIB="12288"\n'],
    ['GRUB quote', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12288"\nQS_LINUX_ARGS="a\' }"\n'],
    ['brace', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12288"\nQS_LINUX_ARGS="}"\n'],
    ['unquoted value', 'QS_MODES=zram\nQS_DOM0_MEM_MAX_MIB="12288"\n'],
    ['single quotes', 'QS_MODES=\'zram\'\nQS_DOM0_MEM_MAX_MIB="12288"\n'],
    ['unknown key', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12288"\nQS_EXTRA="1"\n'],
    ['shell code line', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12288"\nreboot\n'],
    ['duplicate key', 'QS_MODES="zram"\nQS_MODES="tmpfs"\nQS_DOM0_MEM_MAX_MIB="12288"\n'],
    ['bad mode', 'QS_MODES="zram squashfs"\nQS_DOM0_MEM_MAX_MIB="12288"\n'],
    ['repeated mode', 'QS_MODES="zram zram"\nQS_DOM0_MEM_MAX_MIB="12288"\n'],
    ['no modes', 'QS_MODES=""\nQS_DOM0_MEM_MAX_MIB="12288"\n'],
    ['memory not a number', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12G"\n'],
    ['memory too small', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="512"\n'],
    ['memory leading zero', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="012288"\n'],
    ['memory missing', 'QS_MODES="zram"\n'],
    [
      'mode word in args',
      'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12288"\nQS_LINUX_ARGS="rd.qubes.stateless=tmpfs"\n',
    ],
    ['control character', 'QS_MODES="zram"\nQS_DOM0_MEM_MAX_MIB="12288"\nQS_LINUX_ARGS="a\u0007b"\n'],
  ];

  for (const [name, conf] of BAD) {
    it(`emits nothing, warns and exits 0 on an invalid config: ${name}`, () => {
      const fb = makeFakeBoot(join(WORK, 'bad'), { withOurs: true, conf });
      const r = runFakeMkconfig(fb);
      expect(r.status).toBe(0);
      expect(r.sections.get('21_qubes_stateless')).toBe('');
      expect(r.stderr).toMatch(/21_qubes_stateless: warning: /);
      expect(r.sections.get('20_linux_xen')).toBe(stockOnly.sections.get('20_linux_xen'));
      expect(grubScriptCheck(r.stdout, CHECK_FILE)[0]).toBe(true);
    });
  }

  it('accepts comments, blank lines and a subset of modes', () => {
    const conf = '\n# a comment\n  QS_MODES="zram"   # trailing comment\nQS_DOM0_MEM_MAX_MIB="8192"\n';
    const r = runFakeMkconfig(makeFakeBoot(join(WORK, 'subset'), { withOurs: true, conf }));
    const ours = r.sections.get('21_qubes_stateless') ?? '';
    expect([...entries(ours).keys()]).toEqual(['Qubes (stateless: zram), with Xen hypervisor']);
    expect(ours).toMatch(/rd\.qubes\.hide_all_usb rd\.qubes\.stateless=zram\n/);
    expect(ours).toContain('dom0_mem=max:8192M ${xen_rm_opts}');
    expect(r.stderr).not.toContain('21_qubes_stateless: warning');
  });

  it('emits nothing and exits 0 when the stock generator fails', () => {
    const fb = makeFakeBoot(join(WORK, 'broken'), { withOurs: true });
    const stock = join(fb.grubd, '20_linux_xen');
    // Fails only when re-run by our script (its distributor names the mode).
    writeFileSync(
      stock,
      '#!/bin/sh\ncase $GRUB_DISTRIBUTOR in *stateless*) echo oops >&2; exit 3 ;; esac\necho "menuentry \'x\' {"\necho "}"\n',
    );
    chmodSync(stock, 0o755);
    const r = runFakeMkconfig(fb);
    expect(r.status).toBe(0);
    expect(r.sections.get('21_qubes_stateless')).toBe('');
    expect(r.stderr).toMatch(/21_qubes_stateless: warning: .*20_linux_xen failed/);
  });
});
