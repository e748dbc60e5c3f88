import type { InvokeChannel } from '../../../shared/channels.js';
import { INVOKE_CHANNELS } from '../../../shared/channels.js';
import type { RequestOf, ResponseOf } from '../../../shared/contracts.js';
import { CONTRACTS } from '../../../shared/contracts.js';
import type { Envelope } from '../../../shared/errors.js';
import type { SystemFacts } from '../../../shared/facts.js';
import { AppError, serializeError } from '../errors.js';
import { probeFacts } from '../probes/probe-facts.js';
import type { System } from '../system/system.js';

export interface HandlerContext {
  readonly system: System;
  readonly version: string;
  /** Events for the renderer (progress); the shell forwards them over IPC, tests collect them. */
  readonly emit: (event: unknown) => void;
}

type Impl = { [C in InvokeChannel]: (req: ResponseOf<C> extends never ? never : RequestOf<C>) => Promise<ResponseOf<C>> };
export type Handlers = { readonly [C in InvokeChannel]: (payload: unknown) => Promise<Envelope<ResponseOf<C>>> };

/**
 * The main process's API, free of Electron: the IPC shell and the e2e harness both call these.
 * Every payload is validated against its contract before use, every result before it leaves,
 * and every failure becomes an `{ok: false, error}` envelope.
 */
export function createHandlers(ctx: HandlerContext): Handlers {
  let facts: Promise<SystemFacts> | null = null;
  const impl: Impl = {
    'app:info': async () => ({ version: ctx.version, system: { kind: ctx.system.kind, description: ctx.system.description } }),
    'facts:get': async (req) => {
      if (!facts || req.refresh) {
        facts = probeFacts(ctx.system);
        facts.catch(() => (facts = null));
      }
      return facts;
    },
  };
  const wrap = <C extends InvokeChannel>(channel: C) => async (payload: unknown): Promise<Envelope<ResponseOf<C>>> => {
    const contract = CONTRACTS[channel];
    const req = contract.request.safeParse(payload ?? {});
    if (!req.success) {
      const detail = req.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
      return { ok: false, error: serializeError(new AppError('invalid-request', 'internal', `invalid ${channel} request: ${detail}`, { channel, detail })) };
    }
    try {
      const value = await (impl[channel] as (r: unknown) => Promise<unknown>)(req.data);
      return { ok: true, value: contract.response.parse(value) as ResponseOf<C> };
    } catch (e) {
      return { ok: false, error: serializeError(e) };
    }
  };
  return Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, wrap(c)])) as unknown as Handlers;
}
