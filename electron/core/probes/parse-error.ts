import { AppError } from '../errors.js';

/** Output of a command or a file did not have the shape we rely on; `source` names which one. */
export function parseError(source: string, detail: string): AppError {
  return new AppError('parse-error', 'internal', `cannot parse ${source}: ${detail}`, { source, detail });
}
