import { z } from 'zod';

/**
 * Every failure that crosses a process boundary (IPC, CLI JSON) is one of these codes.
 * The renderer maps `code` to i18n keys `errors.<code>.title` / `errors.<code>.detail`;
 * `params` fills the placeholders, so no human text is built in the main process. A `reason` param is itself a
 * catalogue key (e.g. invalid-choice's: the choice rule's problem, shared/choice-rules.ts), worded as `reasonText`.
 */
export const ERROR_CODES = [
  'invalid-request',
  'untrusted-sender',
  'sim-dir-unreadable',
  'sim-dir-not-empty',
  'sim-state-invalid',
  'sim-file-missing',
  'unknown-profile',
  'file-missing',
  'file-unreadable',
  'no-space',
  'target-is-symlink',
  'parse-error',
  'command-failed',
  'command-missing',
  'sudo-refused',
  'not-qubes',
  'unsupported-release',
  'invalid-qube-name',
  'invalid-choice',
  'precondition-failed',
  'asset-mismatch',
  'journal-corrupt',
  'journal-untrusted',
  'unfinished-transaction',
  'change-interrupted',
  'nothing-installed',
  /** recover found no unfinished apply or rollback (not a failure: the CLI says so and exits 0). */
  'nothing-to-recover',
  'drift-since-plan',
  'rollback-conflicts',
  'verify-failed',
  'busy',
  'doctor-refused',
  'report-invalid',
  'report-unusable',
  'not-confirmed',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ERROR_KINDS = ['user', 'precondition', 'cancelled', 'internal'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const SerializedErrorSchema = z.object({
  code: z.string(),
  kind: z.enum(ERROR_KINDS),
  message: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
});
export type SerializedError = z.infer<typeof SerializedErrorSchema>;

export type Envelope<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError };

export function envelopeSchema<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: SerializedErrorSchema }),
  ]);
}
