import { createInterface } from 'node:readline';
import type { Terminal } from './command.js';
import { main } from './main.js';

/** A confirmation is asked only when someone can see and answer it: stdin and stdout both a TTY. */
const terminal: Terminal = {
  interactive: !!process.stdin.isTTY && !!process.stdout.isTTY,
  readLine: () =>
    new Promise((resolve) => {
      const rl = createInterface({ input: process.stdin });
      let answered = false;
      rl.once('line', (line) => {
        answered = true;
        resolve(line);
        rl.close();
      });
      rl.once('close', () => {
        if (!answered) resolve(null);
      });
    }),
};

main(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  terminal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`qubes-stateless: internal error: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
