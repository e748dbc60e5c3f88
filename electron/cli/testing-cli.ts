import type { Terminal } from './command.js';
import { main } from './main.js';

export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs the CLI in-process as the tests do, not on a terminal: its exit code and everything it printed. */
export async function runCli(...argv: string[]): Promise<CliRun> {
  const { code, out, err } = await runCliOn(undefined, ...argv);
  return { code, out, err };
}

/**
 * The same on a pretend terminal: `answers` are the lines typed, one per question (none left: stdin ended);
 * `asked` counts the questions read.
 */
export async function runCliOn(
  tty: { interactive: boolean; answers: string[] } | undefined,
  ...argv: string[]
): Promise<CliRun & { asked: number }> {
  let out = '';
  let err = '';
  let asked = 0;
  const answers = [...(tty?.answers ?? [])];
  const terminal: Terminal | undefined = tty && {
    interactive: tty.interactive,
    readLine: async () => {
      asked++;
      return answers.shift() ?? null;
    },
  };
  const code = await main(argv, {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    ...(terminal ? { terminal } : {}),
  });
  return { code, out, err, asked };
}
