import type { SerializedError } from '../../../shared/errors.js';
import { ApiError } from '../api.js';

/** Something read from the main process: not asked yet, on its way, there, or failed with a translatable error. */
export type Load<T> =
  | { readonly kind: 'idle' }
  | { readonly kind: 'loading' }
  | { readonly kind: 'ready'; readonly value: T }
  | { readonly kind: 'failed'; readonly error: SerializedError };

/** Any rejection as the error envelope the ErrorPanel translates (an unexpected throw becomes `internal`). */
export const asError = (e: unknown): SerializedError =>
  e instanceof ApiError
    ? e.error
    : {
        code: 'internal',
        kind: 'internal',
        message: e instanceof Error ? e.message : String(e),
        params: { message: e instanceof Error ? e.message : String(e) },
      };

export const readyValue = <T>(l: Load<T>): T | null => (l.kind === 'ready' ? l.value : null);
