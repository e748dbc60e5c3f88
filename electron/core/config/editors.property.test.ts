import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultGrub, fstab } from '../../sim/profiles/dom0-tree.js';
import { PROFILES } from '../../sim/profiles/profiles.js';
import { effectiveValue, setShellVar, shellQuote } from './default-grub-editor.js';
import { SWAP_MARKER, disableSwap, parseFstab, swapDevicePath, swapEntries } from './fstab-editor.js';
import { evaluateShellAssignments, parseShellAssignments, parseShellValue } from './shell-assignments.js';

/** Property tests of the two editors over generated files and the installer's real ones. */

const NAMES = [
  'GRUB_TIMEOUT',
  'GRUB_DEFAULT',
  'GRUB_TIMEOUT_STYLE',
  'GRUB_CMDLINE_LINUX',
  'GRUB_CMDLINE_XEN_DEFAULT',
  'GRUB_DISABLE_SUBMENU',
] as const;
const word = fc.stringMatching(/^[A-Za-z0-9_.=:,/+-]{1,12}$/);
const wordsValue = fc.array(word, { minLength: 0, maxLength: 4 }).map((w) => w.join(' '));
/** Anything a user could put in a value: spaces, quotes, dollars, backslashes, backticks. */
const anyValue = fc.stringMatching(/^[A-Za-z0-9 _.=:,/+"'$\\`-]{0,24}$/);

const assignment = fc.oneof(
  fc.record({ name: fc.constantFrom(...NAMES), v: wordsValue }).map(({ name, v }) => `${name}="${v}"`),
  fc.record({ name: fc.constantFrom(...NAMES), v: word }).map(({ name, v }) => `${name}=${v}`),
  fc.record({ name: fc.constantFrom(...NAMES), v: wordsValue }).map(({ name, v }) => `${name}='${v}'`),
  fc.record({ name: fc.constantFrom(...NAMES), v: wordsValue }).map(({ name, v }) => `export ${name}="${v}"`),
  // The shape the sys-usb Salt state appends: the variable built on its earlier value.
  fc.record({ name: fc.constantFrom(...NAMES), v: word }).map(({ name, v }) => `${name}="$${name} ${v}"`),
  fc
    .record({ v: wordsValue })
    .map(({ v }) => `GRUB_THEME="/boot/grub2/themes/${v.replace(/ /g, '_')}/theme.txt"`),
);
const otherLine = fc.oneof(
  fc.constant(''),
  fc.constant('# Qubes defaults'),
  word.map((w) => `# ${w}`),
  fc.constant('   '),
);
const generatedFile = fc
  .array(fc.oneof({ weight: 3, arbitrary: assignment }, { weight: 1, arbitrary: otherLine }), {
    maxLength: 14,
  })
  .chain((lines) => fc.boolean().map((nl) => lines.join('\n') + (nl ? '\n' : '')));
const realFiles = [
  defaultGrub(PROFILES['qubes-4.2']!),
  defaultGrub(PROFILES['qubes-4.3']!),
  `${defaultGrub(PROFILES['qubes-4.2']!)}GRUB_TIMEOUT=0\nGRUB_TIMEOUT_STYLE=hidden\n`,
];
const grubFile = fc.oneof(
  generatedFile,
  fc.constantFrom(...realFiles),
  generatedFile.map((g) => `${realFiles[0]}${g}`),
);

/** Variables whose value is built from `name` (they legitimately change when it does). */
function dependsOn(text: string, name: string): Set<string> {
  const out = new Set<string>();
  for (const a of parseShellAssignments(text).assignments)
    if (a.parts.some((p) => p.kind === 'var' && (p.name === name || out.has(p.name)))) out.add(a.name);
  return out;
}

describe('/etc/default/grub editor', () => {
  it('makes the variable evaluate to exactly the value, as grub2-mkconfig sources the file', () => {
    fc.assert(
      fc.property(grubFile, fc.constantFrom(...NAMES), anyValue, (text, name, value) => {
        expect(effectiveValue(setShellVar(text, name, value), name)).toBe(value);
      }),
      { numRuns: 600 },
    );
  });

  it('keeps every other variable, comment, blank and unknown line', () => {
    fc.assert(
      fc.property(grubFile, fc.constantFrom(...NAMES), anyValue, (text, name, value) => {
        const out = setShellVar(text, name, value);
        const before = evaluateShellAssignments(parseShellAssignments(text));
        const after = evaluateShellAssignments(parseShellAssignments(out));
        const skip = dependsOn(text, name);
        for (const [k, v] of before) if (k !== name && !skip.has(k)) expect(after.get(k)).toBe(v);
        // At most one line rewritten in place, or one appended; everything else byte for byte.
        const a = text.split('\n');
        const b = out.split('\n');
        const changed = a.filter((l, i) => b[i] !== l).length;
        expect(
          changed <= 1 || b.length === a.length + 1 || (b.length === a.length + 2 && !text.endsWith('\n')),
        ).toBe(true);
        for (const line of a)
          if (line.trim() === '' || line.trim().startsWith('#')) expect(b).toContain(line);
      }),
      { numRuns: 600 },
    );
  });

  it('is idempotent and leaves a file alone when the value is already right', () => {
    fc.assert(
      fc.property(grubFile, fc.constantFrom(...NAMES), anyValue, (text, name, value) => {
        const once = setShellVar(text, name, value);
        expect(setShellVar(once, name, value)).toBe(once);
        const current = effectiveValue(text, name);
        if (current !== undefined) expect(setShellVar(text, name, current)).toBe(text);
      }),
      { numRuns: 400 },
    );
  });

  it('quotes values so that sh reads them back unchanged', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const parts = parseShellValue(shellQuote(value));
        expect(parts?.map((p) => (p.kind === 'literal' ? p.text : '?')).join('')).toBe(value);
      }),
    );
  });

  it('handles the duplicated GRUB_CMDLINE_LINUX of a 4.2 install: both lines kept, the sum preserved', () => {
    const text = realFiles[0]!;
    const out = setShellVar(text, 'GRUB_DEFAULT', '0');
    expect(out.match(/^GRUB_CMDLINE_LINUX=/gm)).toHaveLength(2);
    expect(effectiveValue(out, 'GRUB_CMDLINE_LINUX')).toBe(effectiveValue(text, 'GRUB_CMDLINE_LINUX'));
    // Setting the built-up variable itself appends a plain assignment rather than rewriting the "$X …" line.
    const set = setShellVar(text, 'GRUB_CMDLINE_LINUX', 'rhgb quiet');
    expect(set.startsWith(text)).toBe(true);
    expect(effectiveValue(set, 'GRUB_CMDLINE_LINUX')).toBe('rhgb quiet');
  });

  it('refuses a file where shell logic decides the variable', () => {
    expect(() => setShellVar('if [ -e /x ]; then\nGRUB_TIMEOUT=1\nfi\n', 'GRUB_TIMEOUT', '5')).not.toThrow();
    expect(() => setShellVar('[ -e /x ] && GRUB_TIMEOUT=1\n', 'GRUB_TIMEOUT', '5')).toThrow(
      /shell logic at line 1/,
    );
  });
});

const ws = fc.constantFrom(' ', '  ', '\t', ' \t ');
const field = fc.stringMatching(/^[A-Za-z0-9_=/.:\\-]{1,20}$/);
const fstabEntry = fc
  .record({
    spec: fc.oneof(
      fc.constantFrom(
        '/dev/mapper/qubes_dom0-swap',
        '/dev/mapper/qubes_dom0-root',
        'UUID=5d0c2a1e-8f3b',
        'LABEL=swap\\040disk',
      ),
      field,
    ),
    file: fc.oneof(
      fc.constantFrom('/', '/boot', 'none', 'swap', '/mnt/with\\040space'),
      field.map((f) => `/${f}`),
    ),
    type: fc.constantFrom('ext4', 'swap', 'vfat', 'xfs', 'tmpfs', 'sw'),
    opts: fc.constantFrom('defaults', 'defaults,x-systemd.device-timeout=0', 'defaults,discard', 'sw,pri=5'),
    seps: fc.array(ws, { minLength: 5, maxLength: 5 }),
    lead: fc.constantFrom('', ' ', '\t'),
  })
  .map(
    (e) =>
      `${e.lead}${e.spec}${e.seps[0]}${e.file}${e.seps[1]}${e.type}${e.seps[2]}${e.opts}${e.seps[3]}0${e.seps[4]}0`,
  );
const fstabFile = fc.oneof(
  fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fstabEntry },
        {
          weight: 1,
          arbitrary: fc.constantFrom('', '#', '# /etc/fstab', `${SWAP_MARKER}/dev/sdb2 none swap sw 0 0`),
        },
      ),
      { maxLength: 12 },
    )
    .map((l) => `${l.join('\n')}\n`),
  fc.constant(fstab()),
);

describe('/etc/fstab editor', () => {
  it('turns off every swap entry and nothing else, idempotently', () => {
    fc.assert(
      fc.property(fstabFile, (text) => {
        const { text: out, devices } = disableSwap(text);
        expect(swapEntries(out)).toEqual([]);
        expect(devices).toEqual(swapEntries(text).map((e) => swapDevicePath(e.spec)));
        expect(disableSwap(out).text).toBe(out);
        const a = text.split('\n');
        const b = out.split('\n');
        expect(b).toHaveLength(a.length);
        a.forEach((line, i) =>
          expect(b[i]).toBe(swapEntries(text).some((e) => e.line === i + 1) ? `${SWAP_MARKER}${line}` : line),
        );
        expect(parseFstab(out).map((e) => e.line)).toEqual(
          parseFstab(text)
            .filter((e) => e.type !== 'swap')
            .map((e) => e.line),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('disables the installer swap line of a real Qubes fstab', () => {
    const { text, devices } = disableSwap(fstab());
    expect(devices).toEqual(['/dev/mapper/qubes_dom0-swap']);
    expect(text).toContain(`${SWAP_MARKER}/dev/mapper/qubes_dom0-swap none`);
    expect(text.replace(SWAP_MARKER, '')).toBe(fstab());
  });

  it('names swap given by tag as the udev link swapon looks it up by (libblkid evaluate_by_udev)', () => {
    expect(swapDevicePath('UUID=6f1d2a3c-8e4b-4c2d-9a0f-5b7e1c3d9f20')).toBe(
      '/dev/disk/by-uuid/6f1d2a3c-8e4b-4c2d-9a0f-5b7e1c3d9f20',
    );
    expect(swapDevicePath('LABEL=dom0\\040swap')).toBe('/dev/disk/by-label/dom0\\x20swap');
    expect(swapDevicePath('LABEL="a/b"')).toBe('/dev/disk/by-label/a\\x2fb');
    expect(swapDevicePath("PARTUUID='0e1f-02'")).toBe('/dev/disk/by-partuuid/0e1f-02');
    expect(swapDevicePath('PARTLABEL=swap')).toBe('/dev/disk/by-partlabel/swap');
    expect(swapDevicePath('/dev/disk/by-id/dm-name-qubes_dom0-swap')).toBe(
      '/dev/disk/by-id/dm-name-qubes_dom0-swap',
    );
    expect(swapDevicePath('/dev/mapper/luks-1234')).toBe('/dev/mapper/luks-1234');
    expect(swapDevicePath('/var/swap\\040file')).toBe('/var/swap file');
    const { devices } = disableSwap(
      'UUID=abc none swap defaults 0 0\nLABEL=x\\040y none swap sw 0 0\n/dev/sda3 none swap sw 0 0\n',
    );
    expect(devices).toEqual(['/dev/disk/by-uuid/abc', '/dev/disk/by-label/x\\x20y', '/dev/sda3']);
  });
});
