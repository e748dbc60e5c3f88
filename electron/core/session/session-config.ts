import { z } from 'zod';
import { AppError } from '../errors.js';
import type { SystemReader } from '../system/system.js';
import { PATHS } from '../tasks/paths.js';

/** /etc/qubes-stateless/session.json: what a stateless session sets up (written by the RAM-pool task). */
export const SessionConfigSchema = z.object({
  format: z.literal('qubes-stateless-session/1'),
  ramPool: z.object({ name: z.string(), sizeMiB: z.number().int().positive() }).nullable(),
  templates: z.array(z.object({ template: z.string(), clone: z.string(), dvm: z.string() })),
  defaultDispvm: z.string().nullable(),
});
export type SessionConfig = z.infer<typeof SessionConfigSchema>;

export async function readSessionConfig(sys: SystemReader): Promise<SessionConfig | null> {
  if (!(await sys.stat(PATHS.sessionConf))) return null;
  let json: unknown;
  try {
    json = JSON.parse(await sys.readText(PATHS.sessionConf));
  } catch (e) {
    throw new AppError(
      'parse-error',
      'internal',
      `${PATHS.sessionConf} is not JSON: ${(e as Error).message}`,
      { source: PATHS.sessionConf, detail: (e as Error).message },
    );
  }
  const parsed = SessionConfigSchema.safeParse(json);
  if (!parsed.success)
    throw new AppError(
      'parse-error',
      'internal',
      `${PATHS.sessionConf}: ${parsed.error.issues[0]?.message}`,
      { source: PATHS.sessionConf, detail: parsed.error.issues[0]?.message ?? '' },
    );
  return parsed.data;
}
