import type { InvokeChannel } from '../../shared/channels.js';
import type { RendererApi, RequestOf, ResponseOf } from '../../shared/contracts.js';
import type { SerializedError } from '../../shared/errors.js';

declare global {
  interface Window {
    readonly api: RendererApi;
  }
}

/** A failed call, carrying the main process's serialized error for translation. */
export class ApiError extends Error {
  constructor(readonly error: SerializedError) {
    super(error.message);
  }
}

/** Call the main process; resolves with the value or rejects with an ApiError. */
export async function call<C extends InvokeChannel>(
  channel: C,
  request: RequestOf<C>,
): Promise<ResponseOf<C>> {
  const envelope = await window.api.invoke(channel, request);
  if (!envelope.ok) throw new ApiError(envelope.error);
  return envelope.value;
}
