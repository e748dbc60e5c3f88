import { createInterface } from 'node:readline';
import { languageFromEnv } from '../../shared/i18n/catalogs.js';
import { setLanguage } from '../../shared/i18n/translate.js';
import type { Terminal } from './command.js';
import { main } from './main.js';

// The catalogue's words in the user's language (LC_ALL / LC_MESSAGES / LANG), English for C, POSIX or unset.
setLanguage(languageFromEnv(process.env));

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
