import { languageFromEnv } from '../../shared/i18n/catalogs.js';
import { setLanguage } from '../../shared/i18n/translate.js';
import { main } from './main.js';

// The catalogue's words in the user's language (LC_ALL / LC_MESSAGES / LANG), English for C, POSIX or unset.
setLanguage(languageFromEnv(process.env));

main(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`qubes-stateless: internal error: ${String(e)}\n`);
    process.exitCode = 70;
  },
);
