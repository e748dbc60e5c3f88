// The copy of the disk root into RAM (qs_copy and its parallel streams in qubes-stateless-setup.sh), run
// on the host with dash and bash against real directory trees, as root (owners, trusted.* xattrs and
// capabilities need it). Each copy, in 1, 2 and 3 streams, must be the source again: content, modes, owners,
// times, xattrs, ACLs, hard links (also a group spanning two top-level directories), holes, symlinks, empty
// directories, top-level dotfiles. The VM boot tests copy a real root the same way (e2e/boot).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const SETUP = join(import.meta.dirname, '90qubes-stateless', 'qubes-stateless-setup.sh');
const ROOT = process.getuid?.() === 0 && existsSync('/usr/bin/unshare');
const TOOLS = ['getfattr', 'setfattr', 'setfacl', 'unshare'].every(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0,
);
// Why the copy suite cannot run here, printed so a skip is never silent (CI runs as root with the tools).
const SKIP = !ROOT
  ? 'not root with unshare: the copy keeps owners and trusted.* xattrs only as root'
  : !TOOLS
    ? 'getfattr, setfattr, setfacl or unshare is missing (Debian: attr, acl, util-linux)'
    : null;
if (SKIP) console.warn(`skipped: the copy of the root, in parallel streams: ${SKIP}`);
const work = mkdtempSync(join(tmpdir(), 'qs-copy-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The script without its last line (the call of qs_main): its functions only. */
function lib(): string {
  const file = join(work, 'lib.sh');
  if (!existsSync(file)) {
    const text = readFileSync(SETUP, 'utf8');
    if (!/\nqs_main\n$/.test(text)) throw new Error('qubes-stateless-setup.sh no longer ends with "qs_main"');
    writeFileSync(file, text.replace(/\nqs_main\n$/, '\n'));
  }
  return file;
}

interface ShResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `body` after sourcing the script's functions, in `shell`; `wrap` runs it inside unshare -m. */
function sh(body: string, opts: { shell?: string; namespaceSetup?: string } = {}): ShResult {
  const shell = opts.shell ?? 'dash';
  const script = join(work, `run-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(
    script,
    ['getarg() { return 1; }', 'warn() { echo "$*" >&2; }', `. "${lib()}"`, body, ''].join('\n'),
  );
  const r = opts.namespaceSetup
    ? spawnSync(
        'unshare',
        ['-m', '--propagation', 'private', 'sh', '-c', `${opts.namespaceSetup} && ${shell} "$0"`, script],
        {
          encoding: 'utf8',
        },
      )
    : spawnSync(shell, [script], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** Writes `kib` KiB of incompressible bytes. */
function randomFile(path: string, kib: number): void {
  const buf = Buffer.alloc(kib * 1024);
  for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  writeFileSync(path, buf);
}

/**
 * The fixture root: a dominant /usr (split one level deeper by the plan), hard-link groups inside /usr
 * (usr/bin/git = usr/libexec/git-core/git) and across top-level directories (usr/bin/tool = etc/tool),
 * and one of every kind of thing the copy must keep.
 */
function makeRoot(dir: string): void {
  const p = (rel: string) => join(dir, rel);
  for (const d of [
    'usr/bin',
    'usr/lib/sub',
    'usr/libexec/git-core',
    'usr/share/doc',
    'etc',
    'var/empty',
    '.dotdir',
  ])
    mkdirSync(p(d), { recursive: true });
  randomFile(p('usr/lib/big'), 1000);
  randomFile(p('usr/bin/git'), 800);
  run('ln', [p('usr/bin/git'), p('usr/libexec/git-core/git')]);
  randomFile(p('usr/bin/tool'), 300);
  run('ln', [p('usr/bin/tool'), p('etc/tool')]);
  writeFileSync(p('usr/lib/sub/f'), 'sub\n');
  writeFileSync(p('usr/share/doc/a'), 'doc\n');
  writeFileSync(p('etc/conf'), 'conf\n');
  writeFileSync(p('.dotfile'), 'dot\n');
  writeFileSync(p('.dotdir/x'), 'x\n');
  writeFileSync(p('usr/bin/suid'), '#!/bin/sh\n');
  chmodSync(p('usr/bin/suid'), 0o4755);
  chmodSync(p('etc/conf'), 0o640);
  chmodSync(p('var/empty'), 0o700);
  run('chown', ['1234:5678', p('etc/conf')]);
  run('chown', ['4321:8765', p('var/empty')]);
  run('setfattr', ['-n', 'user.qs', '-v', 'one', p('etc/conf')]);
  run('setfattr', ['-n', 'trusted.qs', '-v', 'two', p('usr/share/doc/a')]);
  run('setfattr', ['-n', 'user.dir', '-v', 'three', p('usr')]);
  // cap_net_raw+ep (VFS_CAP_REVISION_2), as e2e/boot/harness.ts sets it: setfattr, not libcap's setcap.
  run('setfattr', [
    '-n',
    'security.capability',
    '-v',
    '0x0100000200200000000000000000000000000000',
    p('usr/bin/tool'),
  ]);
  run('setfacl', ['-m', 'u:1234:rx', p('etc')]);
  run('setfacl', ['-d', '-m', 'g:5678:r', p('etc')]);
  run('setfacl', ['-m', 'u:99:r', p('usr/lib/sub/f')]);
  // 8 MiB with two written blocks: the copy must keep the holes.
  run('truncate', ['-s', '8M', p('var/sparse')]);
  run('dd', ['if=/dev/urandom', `of=${p('var/sparse')}`, 'bs=4096', 'count=1', 'seek=1000', 'conv=notrunc']);
  run('ln', ['-s', 'usr/bin', p('bin')]);
  run('ln', ['-s', '../../etc/conf', p('usr/share/conf-link')]);
  run('mkfifo', [p('var/fifo')]);
  // A socket: skipped by the copy, without a message.
  run(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(p('var/sock'))}, () => process.exit(0))`,
  ]);
  // Directory times last (creating entries changes them); the root's too.
  for (const d of [
    'usr/bin',
    'usr/lib/sub',
    'usr/lib',
    'usr/libexec/git-core',
    'usr/libexec',
    'usr/share/doc',
  ])
    run('touch', ['-h', '-d', '2020-01-02 03:04:05', p(d)]);
  for (const d of ['usr/share', 'usr', 'etc', 'var/empty', 'var', '.dotdir', '.'])
    run('touch', ['-h', '-d', '2021-06-07 08:09:10', p(d)]);
  chmodSync(dir, 0o755);
}

interface Entry {
  readonly type: string;
  readonly mode: string;
  readonly owner: string;
  readonly mtime: number;
  readonly size: number;
  readonly content?: string;
  readonly target?: string;
  readonly blocks?: number;
}

/** Everything the copy must keep, per path, plus the hard-link groups and the xattr/ACL dump. */
function snapshot(dir: string): { entries: Record<string, Entry>; links: string[][]; xattrs: string } {
  const entries: Record<string, Entry> = {};
  const byInode = new Map<number, string[]>();
  const walk = (rel: string) => {
    const st = lstatSync(join(dir, rel));
    const type = st.isDirectory()
      ? 'dir'
      : st.isSymbolicLink()
        ? 'symlink'
        : st.isFIFO()
          ? 'fifo'
          : st.isSocket()
            ? 'socket'
            : 'file';
    if (type === 'socket') return;
    const e: Entry = {
      type,
      mode: (st.mode & 0o7777).toString(8),
      owner: `${st.uid}:${st.gid}`,
      // Symlink times are not what tar keeps; everything else's mtime is.
      mtime: type === 'symlink' ? 0 : Math.floor(st.mtimeMs / 1000),
      size: type === 'dir' ? 0 : st.size,
      ...(type === 'file'
        ? {
            content: createHash('sha256')
              .update(readFileSync(join(dir, rel)))
              .digest('hex'),
            blocks: st.blocks,
          }
        : {}),
      ...(type === 'symlink' ? { target: readlinkSync(join(dir, rel)) } : {}),
    };
    entries[rel] = e;
    if (type !== 'dir' && st.nlink > 1) byInode.set(st.ino, [...(byInode.get(st.ino) ?? []), rel]);
    if (type === 'dir')
      for (const n of readdirSync(join(dir, rel)).sort()) walk(rel === '.' ? n : `${rel}/${n}`);
  };
  walk('.');
  const links = [...byInode.values()].map((g) => g.sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
  const r = spawnSync('getfattr', ['-R', '-h', '-P', '-d', '-m', '-', '-e', 'hex', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { entries, links, xattrs: r.stdout };
}

/** Copies `src` into `dst` with qs_copy in `streams` streams; returns what the script said. */
function copy(
  src: string,
  dst: string,
  streams: number,
  opts: { shell?: string; mode?: string; namespaceSetup?: string; before?: string; after?: string } = {},
): ShResult {
  const runDir = mkdtempSync(join(work, 'run-'));
  return sh(
    [
      opts.before ?? '',
      `NEWROOT='${src}'`,
      `QS_RUN='${runDir}'`,
      `QS_COPY='${runDir}/copy'`,
      `QS_STAGE='${dst}'`,
      `qs_mode=${opts.mode ?? 'zram'}`,
      `qs_streams=${streams}`,
      'if qs_copy; then echo "copy=ok"; else echo "copy=failed"; fi',
      'echo "error=$qs_copy_error"',
      'echo "streams=$qs_streams"',
      // The work files (lists, exit codes), gone whatever the outcome.
      'if [ -e "$QS_COPY" ]; then echo "workfiles=left"; else echo "workfiles=gone"; fi',
      opts.after ?? '',
    ].join('\n'),
    opts,
  );
}

const field = (out: string, key: string) =>
  (out.split('\n').find((l) => l.startsWith(`${key}=`)) ?? '').slice(key.length + 1);

describe.skipIf(SKIP !== null)(
  'the copy of the root, in parallel streams (root only: owners, trusted.* xattrs, capabilities)',
  () => {
    const src = join(work, 'src');
    mkdirSync(src);
    if (SKIP === null) makeRoot(src);
    const expected = SKIP === null ? snapshot(src) : null;

    it('has a fixture with every kind of thing to keep', () => {
      const e = expected!;
      expect(e.links).toEqual([
        ['etc/tool', 'usr/bin/tool'],
        ['usr/bin/git', 'usr/libexec/git-core/git'],
      ]);
      expect(e.entries['var/sparse']!.blocks).toBeLessThan(64);
      expect(e.entries['bin']).toMatchObject({ type: 'symlink', target: 'usr/bin' });
      expect(e.xattrs).toContain('security.capability=');
      expect(e.xattrs).toContain('trusted.qs=');
      expect(e.xattrs).toContain('system.posix_acl_default=');
      expect(lstatSync(join(src, 'var/sock')).isSocket()).toBe(true);
    });

    it('splits the dominant /usr one level deeper and links groups spanning streams again after the copy', () => {
      const runDir = mkdtempSync(join(work, 'plan-'));
      const stage = mkdtempSync(join(work, 'stage-'));
      const plan = (n: number) =>
        sh(
          [
            `NEWROOT='${src}'; QS_COPY='${runDir}'; QS_STAGE='${stage}'`,
            `qs_copy_plan ${n} || echo "plan=failed"`,
            'echo "streams=$qs_streams"',
            `for f in '${runDir}'/stream.*; do printf '%s: ' "\${f##*/}"; tr '\\n' ' ' <"$f"; echo; done`,
            `printf 'final: '; tr '\\n' ' ' <'${runDir}/final'; echo`,
            `printf 'relink: '; tr '\\t\\n' '> ' <'${runDir}/relink'; echo`,
          ].join('\n'),
        ).stdout;
      // The units: ./usr/bin 1104 KiB (git 800 + tool 300 + suid 4), ./usr/lib 1008, ./usr/libexec 804,
      // ./etc 308, then the small ones; biggest first to the least loaded stream.
      const three = plan(3);
      expect(three).toContain('streams=3');
      expect(three).toMatch(/^stream\.1: \.\/usr\/bin /m);
      expect(three).toMatch(/^stream\.2: \.\/usr\/lib /m);
      expect(three).toMatch(/^stream\.3: \.\/usr\/libexec \.\/etc /m);
      // The root, the split /usr and the directories of relinked files get their attributes last.
      const final = (out: string) => (/^final: (.*)$/m.exec(out)?.[1] ?? '').trim().split(' ').sort();
      expect(final(three)).toEqual(['.', './etc', './usr', './usr/libexec/git-core']);
      // The cross-top-level group (usr/bin/tool = etc/tool) and the /usr one both span streams here.
      expect(three).toMatch(
        /^relink: (\.\/usr\/bin\/git>\.\/usr\/libexec\/git-core\/git \.\/usr\/bin\/tool>\.\/etc\/tool |\.\/usr\/bin\/tool>\.\/etc\/tool \.\/usr\/bin\/git>\.\/usr\/libexec\/git-core\/git )$/m,
      );
      const two = plan(2);
      expect(two).toMatch(/^stream\.1: \.\/usr\/bin \.\/etc /m);
      expect(two).toMatch(/^stream\.2: \.\/usr\/lib \.\/usr\/libexec /m);
      expect(two).toMatch(/^relink: \.\/usr\/bin\/git>\.\/usr\/libexec\/git-core\/git $/m);
      expect(final(two)).toEqual(['.', './usr', './usr/libexec/git-core']);
      // The split directory itself is never a unit: its own attributes are copied last.
      expect(two).not.toMatch(/^stream\.\d: .*\.\/usr /m);
    });

    for (const shell of ['dash', 'bash'])
      for (const streams of [1, 2, 3])
        it(`copies everything in ${streams} stream${streams > 1 ? 's' : ''} (${shell})`, () => {
          const dst = mkdtempSync(join(work, `dst-${shell}-${streams}-`));
          const r = copy(src, dst, streams, { shell });
          expect(r.stderr).toBe('');
          expect(field(r.stdout, 'copy')).toBe('ok');
          expect(field(r.stdout, 'streams')).toBe(String(streams));
          expect(field(r.stdout, 'workfiles')).toBe('gone');
          const got = snapshot(dst);
          const exp = expected!;
          expect(got.links).toEqual(exp.links);
          expect(got.xattrs).toBe(exp.xattrs);
          // Same allocation for the holes: st_blocks may differ by filesystem metadata, never by 8 MiB.
          expect(got.entries['var/sparse']!.blocks).toBeLessThan(64);
          const strip = (es: Record<string, Entry>) =>
            Object.fromEntries(Object.entries(es).map(([k, { blocks: _b, ...rest }]) => [k, rest]));
          expect(strip(got.entries)).toEqual(strip(exp.entries));
          expect(got.entries['var/sock']).toBeUndefined();
          rmSync(dst, { recursive: true, force: true });
        });

    for (const [shell, streams] of [
      ['dash', 1],
      ['dash', 3],
      ['bash', 3],
    ] as const)
      it(`fails as a whole when the destination runs out of space (${streams} stream${streams > 1 ? 's' : ''}, ${shell}), leaving no process behind`, () => {
        const dst = mkdtempSync(join(work, `full-${shell}-${streams}-`));
        const marker = dst.split('/').at(-1)!;
        const r = copy(src, dst, streams, {
          shell,
          mode: 'tmpfs',
          namespaceSetup: `mount -t tmpfs -o size=600k qs-full '${dst}'`,
          after: `sleep 0.3; for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' <"$f" 2>/dev/null | grep -q '${marker}' && echo "stray=$f $(tr '\\0' ' ' <"$f")"; done; echo done`,
        });
        expect(field(r.stdout, 'copy')).toBe('failed');
        expect(field(r.stdout, 'workfiles')).toBe('gone');
        expect(field(r.stdout, 'error')).toMatch(
          /^tar exited with \d+\/\d+: tar: .*(No space left on device|Wrote only \d+ of \d+ bytes)/,
        );
        if (streams > 1) expect(field(r.stdout, 'error')).toMatch(/\(stream [123] of 3\)$/);
        // The only process naming the destination is the check's own shell loop, not a tar.
        const strays = r.stdout
          .split('\n')
          .filter((l) => l.startsWith('stray=') && /\btar\b|\bsed\b/.test(l));
        expect(strays).toEqual([]);
        expect(r.stdout).toContain('done');
      });

    it('stops a whole process tree (qs_kill_tree): the shell, its pipeline, their children', () => {
      const r = sh(
        [
          '( sleep 31.25 | sleep 31.5; sleep 31.75 ) &',
          'p=$!',
          'sleep 0.2',
          'qs_kill_tree "$p"',
          'wait "$p" 2>/dev/null',
          String.raw`for f in /proc/[0-9]*/cmdline; do tr '\0' ' ' <"$f" 2>/dev/null | grep -q '^sleep 31\.' && echo "left=$f"; done`,
          'echo done',
        ].join('\n'),
      );
      expect(r.stdout.split('\n').filter((l) => l.startsWith('left='))).toEqual([]);
      expect(r.stdout).toContain('done');
    });

    it('also stops what outlives its parent: children that ignore TERM, moved to init when their shell died', () => {
      // The stream's shell dies of the first TERM; its children (like a tar in D state) do not, and are no
      // longer below the shell in /proc once it is gone: they must still be found, and KILLed.
      const r = sh(
        [
          `( sh -c 'trap "" TERM; exec sleep 32.25' & sh -c 'trap "" TERM; sleep 32.5; :' & wait ) &`,
          'p=$!',
          'sleep 0.3',
          'if qs_kill_tree "$p"; then echo "kill=ok"; else echo "kill=failed"; fi',
          'wait "$p" 2>/dev/null',
          // A zombie is dead (its parent, init, has not reaped it yet).
          'for f in /proc/[0-9]*/stat; do read -r s <"$f" 2>/dev/null || continue; s=${s##*) }; d=${f%/stat}',
          String.raw`case $s in Z*) ;; *) tr '\0' ' ' <"$d/cmdline" | grep -q '^sleep 32\.' && echo "left=$d" ;; esac; done`,
          'echo done',
        ].join('\n'),
      );
      expect(r.stdout.split('\n').filter((l) => l.startsWith('left='))).toEqual([]);
      expect(field(r.stdout, 'kill')).toBe('ok');
      expect(r.stdout).toContain('done');
    });

    it('copies names with backslashes as they are (the -T lists are not unquoted), units and relinked files', () => {
      // tar would read "u\nit" as u<newline>it and "o\101" as "oA" (the decoy beside it).
      const bs = join(work, 'backslash');
      for (const d of ['u\\nit', 'l\\x', 'm\\ty']) mkdirSync(join(bs, d), { recursive: true });
      randomFile(join(bs, 'u\\nit', 'f\\\\g'), 64);
      randomFile(join(bs, 'l\\x', 'big'), 200);
      randomFile(join(bs, 'm\\ty', 'big'), 200);
      writeFileSync(join(bs, 'l\\x', 'h\\1'), 'linked\n');
      run('ln', [join(bs, 'l\\x', 'h\\1'), join(bs, 'm\\ty', 'h\\2')]);
      writeFileSync(join(bs, 'o\\101'), 'real\n');
      writeFileSync(join(bs, 'oA'), 'decoy\n');
      const want = snapshot(bs);
      expect(want.links).toEqual([['l\\x/h\\1', 'm\\ty/h\\2']]);
      // The group spans the two streams: it is relinked after the copy, its directory listed in "final".
      const planDir = mkdtempSync(join(work, 'plan-backslash-'));
      const plan = sh(
        `NEWROOT='${bs}'; QS_COPY='${planDir}'; QS_STAGE='${planDir}/stage'; qs_copy_plan 2 && cat '${planDir}/relink'`,
      );
      expect(plan.stdout).toBe('./l\\x/h\\1\t./m\\ty/h\\2\n');
      const dst = mkdtempSync(join(work, 'dst-backslash-'));
      const r = copy(bs, dst, 2);
      expect(r.stderr).toBe('');
      expect(field(r.stdout, 'copy')).toBe('ok');
      expect(field(r.stdout, 'streams')).toBe('2');
      const got = snapshot(dst);
      expect(got.entries).toEqual(want.entries);
      expect(got.links).toEqual(want.links);
      expect(readFileSync(join(dst, 'o\\101'), 'utf8')).toBe('real\n');
    });

    for (const shell of ['dash', 'bash'])
      it(`acts on a failure at once, even when its signal comes just before the wait (${shell})`, () => {
        // Stream 2 fails at 0.2 s while stream 1 would run for 8 s; the wait below is entered late (0.5 s),
        // as when USR1 arrives between the loop's test and its wait.
        const dir = mkdtempSync(join(work, 'race-'));
        const r = sh(
          [
            `QS_COPY='${dir}'; qs_streams=2`,
            'qs_tar_pipe() { case $1 in s1) sleep 8.125 ;; s2) sleep 0.2 ;; esac; }',
            'qs_tar_ok() { [ "$1" != s2 ] || { qs_copy_error=boom; return 1; }; }',
            'wait() { sleep 0.5; command wait "$@"; }',
            't0=$(qs_now_cs)',
            'if qs_copy_parallel; then echo "copy=ok"; else echo "copy=failed"; fi',
            'echo "cs=$(($(qs_now_cs) - t0))"',
            'echo "error=$qs_copy_error"',
          ].join('\n'),
          { shell },
        );
        expect(field(r.stdout, 'copy')).toBe('failed');
        expect(field(r.stdout, 'error')).toBe('boom (stream 2 of 2)');
        // Not the 8 s of stream 1 (about 1.5 s: the late wait, the kill, the two waits after it).
        expect(Number(field(r.stdout, 'cs'))).toBeLessThan(400);
      });

    it.each([
      ['du fails', 'du() { return 1; }', 'du failed'],
      // du leaves out ./etc: its lines are not the root's entries.
      [
        'du misses an entry',
        `du() { command du "$@" | grep -v '/etc$'; }`,
        "du's sizes do not match the entries of .",
      ],
      [
        'du misses an entry of /usr',
        `du() { command du "$@" | grep -v '/usr/bin$'; }`,
        "du's sizes do not match the entries of ./usr",
      ],
      ['find fails', 'find() { return 1; }', 'find failed (one without -printf?)'],
      [
        'mkdir fails',
        `mkdir() { case $2 in "$QS_STAGE"/*) return 1 ;; esac; command mkdir "$@"; }`,
        'mkdir of usr in the RAM root failed',
      ],
    ])('copies in one stream when %s, and says why', (_what, before, why) => {
      const dst = mkdtempSync(join(work, 'dst-why-'));
      const r = copy(src, dst, 3, { before });
      expect(field(r.stdout, 'copy')).toBe('ok');
      expect(field(r.stdout, 'streams')).toBe('1');
      expect(r.stderr).toBe(
        `qubes-stateless: the root cannot be split into copy streams (${why}): copying in one stream\n`,
      );
      expect(snapshot(dst).links).toEqual(expected!.links);
      rmSync(dst, { recursive: true, force: true });
    });

    it('copies in one stream when a hard-linked file has a tab in its path, deep in the tree', () => {
      const odd = join(work, 'odd-deep');
      // Below the levels the plan lists (./d, the biggest, is split; ./c is a unit): only find sees the tab.
      mkdirSync(join(odd, 'c', 's', 'x\ty'), { recursive: true });
      mkdirSync(join(odd, 'd'));
      randomFile(join(odd, 'd', 'f'), 64);
      writeFileSync(join(odd, 'c', 's', 'x\ty', 'h1'), 'h\n');
      run('ln', [join(odd, 'c', 's', 'x\ty', 'h1'), join(odd, 'c', 'h2')]);
      const dst = mkdtempSync(join(work, 'dst-odd-deep-'));
      const r = copy(odd, dst, 2);
      expect(field(r.stdout, 'copy')).toBe('ok');
      expect(field(r.stdout, 'streams')).toBe('1');
      expect(r.stderr).toContain("(a hard-linked file's path has a tab or newline): copying in one stream");
      expect(lstatSync(join(dst, 'c', 's', 'x\ty', 'h1')).ino).toBe(lstatSync(join(dst, 'c', 'h2')).ino);
    });

    it('copies a root with a name it cannot list in one stream, and says so', () => {
      const odd = join(work, 'odd');
      mkdirSync(join(odd, 'a\tb'), { recursive: true });
      randomFile(join(odd, 'a\tb', 'f'), 8);
      mkdirSync(join(odd, 'c'));
      writeFileSync(join(odd, 'c', 'g'), 'g\n');
      const dst = mkdtempSync(join(work, 'dst-odd-'));
      const r = copy(odd, dst, 2);
      expect(field(r.stdout, 'copy')).toBe('ok');
      expect(field(r.stdout, 'streams')).toBe('1');
      expect(r.stderr).toContain(
        'the root cannot be split into copy streams (a name in . has a tab or newline): copying in one stream',
      );
      expect(readFileSync(join(dst, 'c', 'g'), 'utf8')).toBe('g\n');
      expect(existsSync(join(dst, 'a\tb', 'f'))).toBe(true);
    });
  },
);

describe('balancing the copy units over streams (qs_balance)', () => {
  const balance = (n: number, lines: string[]) =>
    sh(`printf '${lines.map((l) => l.replace('\t', '\\t')).join('\\n')}\\n' | qs_balance ${n}`)
      .stdout.trim()
      .split('\n');

  it('gives each unit, biggest first, to the least loaded stream', () => {
    // a 10 -> 1 (10); b 7 -> 2 (7); c 6 -> 2 (13); d 5 -> 1 (15); e 4 -> 2 (17)
    expect(balance(2, ['5\t./d', '10\t./a', '4\t./e', '7\t./b', '6\t./c'])).toEqual([
      '1\t./a',
      '2\t./b',
      '2\t./c',
      '1\t./d',
      '2\t./e',
    ]);
    // 3 streams: 9 -> 1; 8 -> 2; 7 -> 3; 5 -> 3 (12); 4 -> 2 (12); 2 -> 1 (11)
    expect(
      balance(3, ['2\t./f', '9\t./usr/lib', '8\t./usr/share', '4\t./etc', '7\t./usr/bin', '5\t./var']),
    ).toEqual(['1\t./usr/lib', '2\t./usr/share', '3\t./usr/bin', '3\t./var', '2\t./etc', '1\t./f']);
  });

  it('is deterministic: equal sizes go by name, whatever the input order', () => {
    const want = ['1\t./x', '2\t./y', '1\t./z'];
    expect(balance(2, ['3\t./z', '3\t./y', '3\t./x'])).toEqual(want);
    expect(balance(2, ['3\t./x', '3\t./z', '3\t./y'])).toEqual(want);
  });

  it('keeps names with spaces whole', () => {
    expect(balance(2, ['1\t./a b', '2\t./c  d'])).toEqual(['1\t./c  d', '2\t./a b']);
  });
});

describe('how many copy streams (qs_online_cpus, qs_choose_streams)', () => {
  const sys = (online: string | null) => {
    const d = mkdtempSync(join(work, 'sys-'));
    mkdirSync(join(d, 'devices/system/cpu'), { recursive: true });
    if (online !== null) writeFileSync(join(d, 'devices/system/cpu/online'), `${online}\n`);
    return d;
  };
  const choose = (online: string | null, usedMiB: number, extra = '') =>
    sh(
      [
        `QS_SYS='${sys(online)}'`,
        `qs_used_kib=${usedMiB * 1024}`,
        extra,
        'echo "cpus=$(qs_online_cpus)"',
        'qs_choose_streams',
        'echo "streams=$qs_streams"',
      ].join('\n'),
    ).stdout;

  it('counts the online CPUs of sysfs ranges and lists', () => {
    expect(field(choose('0-3,6', 2048), 'cpus')).toBe('5');
    expect(field(choose('0', 2048), 'cpus')).toBe('1');
    expect(field(choose(null, 2048), 'cpus')).toBe('1');
  });

  it('copies in one stream unless asked (two were slower in 4 of 5 benchmark configurations)', () => {
    expect(field(choose('0-15', 2048), 'streams')).toBe('1');
  });

  it('with auto: one stream per CPU up to 8, and one for a small root or without the tools', () => {
    const auto = 'qs_streams_arg=auto';
    expect(field(choose('0-1', 2048, auto), 'streams')).toBe('2');
    expect(field(choose('0-15', 2048, auto), 'streams')).toBe('8');
    expect(field(choose('0-15', 511, auto), 'streams')).toBe('1');
    expect(field(choose('0-3', 2048, `${auto}; qs_parallel_missing=find`), 'streams')).toBe('1');
  });

  it('takes rd.qubes.stateless.streams over the CPU count', () => {
    expect(field(choose('0-15', 100, 'qs_streams_arg=3'), 'streams')).toBe('3');
  });
});

describe('the new kernel command-line words (qs_parse_args)', () => {
  const parse = (words: Record<string, string>) => {
    const cases = Object.entries(words)
      .map(([k, v]) => `        ${k}=) echo '${v}' ;;`)
      .join('\n');
    const dir = mkdtempSync(join(work, 'args-'));
    return sh(
      [
        `QS_RUN='${dir}'; QS_STATUS='${dir}/status'`,
        `getarg() {\n    case $1 in\n${cases}\n        *) return 1 ;;\n    esac\n}`,
        'if qs_parse_args; then echo "parse=ok"; else echo "parse=failed"; fi',
        'echo "level=$qs_comp_level"',
        'echo "streams=$qs_streams_arg"',
        'echo "reason=$qs_reason"',
        'echo "message=$qs_message"',
      ].join('\n'),
    ).stdout;
  };

  it('accepts a zstd or lz4 level 1..22 and a stream count 1..8', () => {
    const r = parse({
      'rd.qubes.stateless': 'zram',
      'rd.qubes.stateless.comp': 'zstd',
      'rd.qubes.stateless.comp_level': '9',
      'rd.qubes.stateless.streams': '8',
    });
    expect([field(r, 'parse'), field(r, 'level'), field(r, 'streams')]).toEqual(['ok', '9', '8']);
    const lz4 = parse({ 'rd.qubes.stateless': 'zram', 'rd.qubes.stateless.comp_level': '22' });
    expect(field(lz4, 'level')).toBe('22');
    const auto = parse({ 'rd.qubes.stateless': 'tmpfs', 'rd.qubes.stateless.streams': 'auto' });
    expect([field(auto, 'parse'), field(auto, 'streams')]).toEqual(['ok', 'auto']);
    const none = parse({ 'rd.qubes.stateless': 'tmpfs' });
    expect([field(none, 'parse'), field(none, 'level'), field(none, 'streams')]).toEqual(['ok', '', '']);
  });

  it.each([
    ['rd.qubes.stateless.comp_level', '0', 'zstd'],
    ['rd.qubes.stateless.comp_level', '23', 'zstd'],
    ['rd.qubes.stateless.comp_level', '09', 'zstd'],
    ['rd.qubes.stateless.comp_level', '-1', 'zstd'],
    ['rd.qubes.stateless.comp_level', '3', 'lzo-rle'],
    ['rd.qubes.stateless.streams', '0', 'zstd'],
    ['rd.qubes.stateless.streams', '9', 'zstd'],
    ['rd.qubes.stateless.streams', 'two', 'zstd'],
  ])('refuses %s=%s (with %s) as a bad argument', (word, value, comp) => {
    const r = parse({ 'rd.qubes.stateless': 'zram', 'rd.qubes.stateless.comp': comp, [word]: value });
    expect(field(r, 'parse')).toBe('failed');
    expect(field(r, 'reason')).toBe('bad-argument');
    expect(field(r, 'message')).toContain(`${word}='${value}'`);
  });
});

describe('zram compression parameters (qs_zram_configure, fake sysfs)', () => {
  /** A zram device directory as sysfs has it: 6.12 with algorithm_params, 6.1 without. */
  const configure = (kernel: '6.1' | '6.12' | 'refusing', comp: string, level: string) => {
    const sys = mkdtempSync(join(work, 'zsys-'));
    const dev = join(sys, 'block', 'zram1');
    mkdirSync(dev, { recursive: true });
    mkdirSync(join(sys, 'class', 'zram-control'), { recursive: true });
    for (const f of ['comp_algorithm', 'mem_limit', 'disksize', 'reset']) writeFileSync(join(dev, f), '');
    if (kernel === '6.12') writeFileSync(join(dev, 'algorithm_params'), '');
    // A write the kernel refuses: a directory cannot be written to.
    if (kernel === 'refusing') mkdirSync(join(dev, 'algorithm_params'));
    writeFileSync(join(sys, 'class', 'zram-control', 'hot_remove'), '');
    const run = mkdtempSync(join(work, 'zrun-'));
    const r = sh(
      [
        `QS_SYS='${sys}'; QS_RUN='${run}'; QS_STATUS='${run}/status'; QS_STAGE='${run}/new'`,
        `qs_mode=zram; qs_comp=${comp}; qs_comp_level='${level}'; qs_zram_id=1; qs_device=zram1`,
        'qs_zram_limit_kib=1048576; qs_cap_kib=2097152',
        `qs_sysfs_write() { echo "\${1##*/} $2" >>'${run}/writes'; echo "$2" >"$1" 2>/dev/null; }`,
        'if qs_zram_configure "$QS_SYS/block/zram1"; then echo "configure=ok"; else echo "configure=failed"; fi',
        'echo "params=$qs_comp_params"',
      ].join('\n'),
    );
    const writes = existsSync(join(run, 'writes'))
      ? readFileSync(join(run, 'writes'), 'utf8').trim().split('\n')
      : [];
    const status = existsSync(join(run, 'status')) ? readFileSync(join(run, 'status'), 'utf8') : '';
    return { ...r, writes, status };
  };

  it('on 6.12 sets the level after the compressor and before the disk size', () => {
    const r = configure('6.12', 'zstd', '9');
    expect(field(r.stdout, 'configure')).toBe('ok');
    expect(r.writes).toEqual([
      'comp_algorithm zstd',
      'algorithm_params algo=zstd level=9',
      'mem_limit 1048576K',
      'disksize 2097152K',
    ]);
    expect(field(r.stdout, 'params')).toBe('level=9');
  });

  it('writes no parameters without the word, even when the kernel has them', () => {
    const r = configure('6.12', 'lz4', '');
    expect(r.writes).toEqual(['comp_algorithm lz4', 'mem_limit 1048576K', 'disksize 2097152K']);
    expect(field(r.stdout, 'params')).toBe('');
  });

  it('on 6.1 (no algorithm_params) works as before and says the level is not applied', () => {
    const r = configure('6.1', 'zstd', '9');
    expect(field(r.stdout, 'configure')).toBe('ok');
    expect(r.writes).toEqual(['comp_algorithm zstd', 'mem_limit 1048576K', 'disksize 2097152K']);
    expect(field(r.stdout, 'params')).toBe('');
    expect(r.stderr).toContain('rd.qubes.stateless.comp_level is not applied');
  });

  it('says the RAM is held when the device cannot be reset (still open), and does not remove it', () => {
    const release = (busy: boolean) => {
      const sys = mkdtempSync(join(work, 'zsys-'));
      const dev = join(sys, 'block', 'zram2');
      mkdirSync(join(sys, 'class', 'zram-control'), { recursive: true });
      mkdirSync(dev, { recursive: true });
      // A write the kernel refuses (EBUSY): a directory cannot be written to.
      if (busy) mkdirSync(join(dev, 'reset'));
      else writeFileSync(join(dev, 'reset'), '');
      writeFileSync(join(sys, 'class', 'zram-control', 'hot_remove'), '');
      const run = mkdtempSync(join(work, 'zrun-'));
      const r = sh(
        [
          `QS_SYS='${sys}'; QS_RUN='${run}'; QS_STAGE='${run}/new'; qs_zram_id=2`,
          'qs_cleanup',
          'echo "held=$qs_ram_held"',
        ].join('\n'),
      );
      return {
        held: field(r.stdout, 'held'),
        removed: readFileSync(join(sys, 'class/zram-control/hot_remove'), 'utf8'),
      };
    };
    expect(release(true)).toEqual({ held: 'zram2', removed: '' });
    expect(release(false)).toEqual({ held: '', removed: '2\n' });
  });

  it('falls back (comp-unavailable) and releases the device when the kernel refuses the parameters', () => {
    const r = configure('refusing', 'zstd', '9');
    expect(field(r.stdout, 'configure')).toBe('failed');
    expect(r.writes).toEqual(['comp_algorithm zstd', 'algorithm_params algo=zstd level=9']);
    expect(r.status).toContain('reason=comp-unavailable');
    expect(r.status).toContain("message=the kernel refused zram parameters 'level=9' for 'zstd'");
    expect(r.stderr).toContain('NOT stateless (comp-unavailable)');
  });
});
