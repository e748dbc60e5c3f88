import { main } from './main.js';

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
