import { z } from 'zod';

/**
 * What `qubes-stateless doctor` (and the System check screen) found: one check per probe command, per program
 * the app runs, per readiness check and per precondition the planner checks. Pure data: `key` and `params`
 * name an i18n message (`doctor.*`, `checks.*`, `preconditions.*`), `hint` what to do about a problem.
 * `--json` prints this shape; `format` changes when it does.
 */
export const DOCTOR_FORMAT = 'qubes-stateless-doctor/1';

export const DOCTOR_GROUPS = ['sudo', 'programs', 'probes', 'ram', 'readiness', 'plan'] as const;
export const DoctorStatusSchema = z.enum(['ok', 'warn', 'problem']);
export type DoctorStatus = z.infer<typeof DoctorStatusSchema>;

const Params = z.record(z.string(), z.union([z.string(), z.number()]));

export const DoctorCheckSchema = z.object({
  /** Stable within a run: `<group>:<what>` (e.g. `programs:/usr/bin/qvm-ls`, `probes:3`, `readiness:boot-mode`). */
  id: z.string(),
  group: z.enum(DOCTOR_GROUPS),
  status: DoctorStatusSchema,
  key: z.string(),
  params: Params,
  /** i18n key of what to do, for problems and warnings that have a remedy. */
  hint: z.string().nullable(),
  /** The exact argv run (with `sudo -n --` when privileged) and its exit status (null: it did not start). */
  command: z.object({ argv: z.array(z.string()), exitCode: z.number().int().nullable() }).nullable(),
});
export type DoctorCheck = z.infer<typeof DoctorCheckSchema>;

export const DoctorResultSchema = z.object({
  format: z.literal(DOCTOR_FORMAT),
  simulated: z.boolean(),
  /** No check is a problem. */
  ok: z.boolean(),
  counts: z.object({ ok: z.number().int(), warn: z.number().int(), problem: z.number().int() }),
  /** Files the probes read, listed or checked (they are in `doctor --report`). */
  fileOperations: z.number().int(),
  checks: z.array(DoctorCheckSchema),
});
export type DoctorResult = z.infer<typeof DoctorResultSchema>;

type Translate = (key: string, params: Readonly<Record<string, string | number | boolean>>) => string;

/** A check as one sentence, for the CLI and the wizard alike (preconditions say why, as on the Review screen). */
export function doctorCheckText(c: DoctorCheck, t: Translate): string {
  const reason = c.params.reason;
  const params =
    typeof reason === 'string' && reason ? { ...c.params, reasonText: t(reason, c.params) } : c.params;
  return t(c.key, params);
}

/** The exact command of a check as a terminal shows it, with its exit status. */
export const doctorCommandText = (cmd: NonNullable<DoctorCheck['command']>): string =>
  `${cmd.argv.join(' ')} → exit ${cmd.exitCode ?? 'none'}`;
