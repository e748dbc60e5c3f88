import { describe, expect, it } from 'vitest';
import type { QubesRelease } from '../../../shared/facts.js';
import { ArgparseExit } from './argparse-model.js';
import { GrammarError, parseTool } from './admin-grammar.js';
import cases from './grammar/cases.json';
import verdicts42 from './grammar/verdicts-release4.2.json';
import verdicts43 from './grammar/verdicts-release4.3.json';

interface Verdict {
  readonly tool: string;
  readonly argv: string[];
  readonly exit: number;
  readonly legacy: boolean;
  readonly stderr: string;
}

/** What our model says, in the recorded verdict's terms. */
function ours(tool: string, argv: string[], release: QubesRelease): Omit<Verdict, 'tool' | 'argv'> {
  try {
    parseTool(tool, argv, release, { mainChecks: false }); // the recorder runs parse_args, not main()
    return { exit: 0, legacy: false, stderr: '' };
  } catch (e) {
    if (e instanceof ArgparseExit) return { exit: e.exitCode, legacy: false, stderr: e.stderr };
    if (e instanceof GrammarError && /legacy/.test(e.message)) return { exit: 0, legacy: true, stderr: '' };
    throw e;
  }
}

describe.each([
  ['4.2', verdicts42],
  ['4.3', verdicts43],
] as const)(
  'the argparse model against the real qubes-core-admin-client parsers of release%s',
  (release, recorded) => {
    const verdicts = recorded as Verdict[];

    it('was recorded over the current corpus', () => {
      expect(verdicts.map((v) => [v.tool, v.argv])).toEqual(cases);
    });

    it.each(verdicts.map((v) => [`${v.tool} ${JSON.stringify(v.argv)}`, v] as const))('%s', (_, v) => {
      const got = ours(v.tool, v.argv, release);
      // The corpus only lets help/version through at exit 0; those print to stdout, so stderr stays empty there.
      expect(got).toEqual({ exit: v.exit, legacy: v.legacy, stderr: v.legacy ? '' : v.stderr });
    });

    it('the corpus has both verdicts for every tool', () => {
      for (const tool of new Set(verdicts.map((v) => v.tool))) {
        expect(
          verdicts.some((v) => v.tool === tool && v.exit === 0 && !v.legacy),
          tool,
        ).toBe(true);
        expect(
          verdicts.some((v) => v.tool === tool && v.exit === 2),
          tool,
        ).toBe(true);
      }
    });
  },
);

describe("the checks the tools' main() makes after parse_args (parser.error, exit 2)", () => {
  const err = (tool: string, argv: string[], release: QubesRelease) => {
    try {
      parseTool(tool, argv, release);
      return null;
    } catch (e) {
      return e instanceof ArgparseExit ? `${e.exitCode} ${e.message}` : String(e);
    }
  };
  it.each(['4.2', '4.3'] as const)('on %s', (r) => {
    // qvm_create.py main: "--label option is mandatory", "VMNAME is mandatory" (--disp sets label red).
    expect(err('qvm-create', ['x'], r)).toBe('2 qvm-create: error: --label option is mandatory');
    expect(err('qvm-create', ['--label', 'red'], r)).toBe('2 qvm-create: error: VMNAME is mandatory');
    expect(err('qvm-create', ['--disp', 'x'], r)).toBeNull();
    expect(err('qvm-create', ['--help-classes'], r)).toBeNull();
    // qvm_create.py / qvm_clone.py main: -p VOLUME=POOL, split on '=' into exactly two.
    expect(err('qvm-create', ['-p', 'root', '-l', 'red', 'x'], r)).toBe(
      '2 qvm-create: error: Pool argument must be of form: -p volume_name=pool_name',
    );
    expect(err('qvm-clone', ['-p', 'root=a=b', 'src', 'dst'], r)).toBe(
      '2 qvm-clone: error: Pool argument must be of form: -p volume_name=pool_name',
    );
    expect(err('qvm-clone', ['-p', 'root=a', 'src', 'dst'], r)).toBeNull();
    expect(err('qvm-frob', [], r)).toMatch(/no grammar for qvm-frob/);
  });
});
