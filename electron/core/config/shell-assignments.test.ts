import { describe, expect, it } from 'vitest';
import { defaultGrub } from '../../sim/profiles/dom0-tree.js';
import { PROFILES } from '../../sim/profiles/profiles.js';
import { evaluateShellAssignments, parseShellAssignments, parseShellValue } from './shell-assignments.js';

describe('shell assignments', () => {
  it('evaluates the 4.2 installer file like grub2-mkconfig sources it: the second GRUB_CMDLINE_LINUX appends', () => {
    const vars = evaluateShellAssignments(parseShellAssignments(defaultGrub(PROFILES['qubes-4.2']!)));
    expect(vars.get('GRUB_CMDLINE_LINUX')).toMatch(
      /^rd\.luks\.uuid=\S+ rd\.lvm\.lv=qubes_dom0\/root .* 6\.1\.62-1\.qubes\.fc37\.x86_64 x86_64 rhgb quiet rd\.qubes\.hide_all_usb$/,
    );
    expect(vars.get('GRUB_DISTRIBUTOR')).toBe("$(sed 's, release .*$,,g' /etc/system-release)");
    expect(vars.get('GRUB_CMDLINE_XEN_DEFAULT')).toContain('dom0_mem=max:4096M');
  });

  it('follows sh quoting', () => {
    expect(parseShellValue(`'a "b" $c'`)).toEqual([{ kind: 'literal', text: 'a "b" $c' }]);
    expect(parseShellValue(`"x\\"y \\$z \${W}"`)).toEqual([
      { kind: 'literal', text: 'x"y $z ' },
      { kind: 'var', name: 'W' },
    ]);
    expect(parseShellValue('plain#notcomment')).toEqual([{ kind: 'literal', text: 'plain#notcomment' }]);
    expect(parseShellValue('value # comment')).toEqual([{ kind: 'literal', text: 'value' }]);
  });

  it('reports lines that are not plain assignments instead of guessing', () => {
    const parsed = parseShellAssignments(
      'A=1\nif [ -e /x ]; then\nB="unterminated\nC=1; rm -rf /\nD=$(date)\nfi\n',
    );
    expect(parsed.assignments.map((a) => a.name)).toEqual(['A', 'D']);
    expect(parsed.otherLines).toEqual([2, 3, 4, 6]);
  });

  it('appends with += as bash does (dracut.conf)', () => {
    const vars = evaluateShellAssignments(
      parseShellAssignments('add_dracutmodules+=" a "\nadd_dracutmodules+=" b "\n'),
    );
    expect(vars.get('add_dracutmodules')).toBe(' a  b ');
  });
});
