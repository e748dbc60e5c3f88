import type { InvokeChannel } from '../../../shared/channels.js';
import { INVOKE_CHANNELS } from '../../../shared/channels.js';
import type { ParsedRequestOf, ResponseOf } from '../../../shared/contracts.js';
import { CONTRACTS } from '../../../shared/contracts.js';
import type { Envelope } from '../../../shared/errors.js';
import type { TaskEvent } from '../../../shared/events.js';
import type { SystemFacts } from '../../../shared/facts.js';
import type { RamMeasurements } from '../../../shared/ram/ram-estimate.js';
import { AppError, serializeError } from '../errors.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { installedTransactions, unfinishedTransaction } from '../journal/journal-store.js';
import { acquireChangeLock } from '../lock/change-lock.js';
import { probeFacts } from '../probes/probe-facts.js';
import { shutdownQubes } from '../qubes/shutdown-qubes.js';
import { measureRam } from '../ram/estimate-ram.js';
import { Engine, summarize } from '../tasks/engine.js';
import { modelSizing } from '../tasks/sizing.js';
import type { System } from '../system/system.js';
import type { ChangeConfirmation, ConfirmChange } from './confirm-change.js';

export interface HandlerContext {
  readonly system: System;
  readonly version: string;
  /** The bundled files we install, with their manifest. */
  readonly assetsDir: string;
  /** Events for the renderer (progress); the shell forwards them over IPC, tests collect them. */
  readonly emit: (event: TaskEvent) => void;
  /** Asked before every apply, rollback and recover; without it those are refused. */
  readonly confirm?: ConfirmChange | undefined;
}

type Impl = { [C in InvokeChannel]: (req: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };
export type Handlers = {
  readonly [C in InvokeChannel]: (payload: unknown) => Promise<Envelope<ResponseOf<C>>>;
};

/** Channels that change dom0: one at a time, whoever asks. */
// qubes:shutdown too: it changes the machine (programs in those qubes close), so the main process asks itself.
const MUTATING: ReadonlySet<InvokeChannel> = new Set([
  'plan:apply',
  'rollback:run',
  'recover:run',
  'qubes:shutdown',
]);
/** Channels that read dom0 afresh; refused while a change runs (they would read a half-changed machine). */
// doctor:run too: it reads all of dom0 and previews grub2-mkconfig, which a running apply is rewriting.
const READS_DOM0: ReadonlySet<InvokeChannel> = new Set([
  'facts:get',
  'ram:measure',
  'plan:create',
  'rollback:preview',
  'doctor:run',
]);

/** What the user is asked before a mutating channel runs. */
function confirmationFor(channel: InvokeChannel, req: unknown, system: System): ChangeConfirmation {
  const where = system.description;
  if (channel === 'plan:apply') {
    const r = req as ParsedRequestOf<'plan:apply'>;
    return {
      action: 'apply',
      params: { system: where, mode: r.choices.dom0.mode, digest: r.digest.slice(0, 12) },
    };
  }
  if (channel === 'rollback:run')
    return {
      action: 'rollback',
      params: {
        system: where,
        // The number of conflicts resolved (confirmChange.rollback.detail is a plural key).
        count: Object.keys((req as ParsedRequestOf<'rollback:run'>).resolutions).length,
      },
    };
  if (channel === 'qubes:shutdown')
    return {
      action: 'shutdown',
      params: { system: where, qubes: (req as ParsedRequestOf<'qubes:shutdown'>).qubes.join(', ') },
    };
  return {
    action: 'recover',
    params: { system: where, how: (req as ParsedRequestOf<'recover:run'>).action },
  };
}

/**
 * The main process's API, free of Electron: the IPC shell and the e2e harness both call these.
 * Every payload is validated against its contract before use, every result before it leaves,
 * and every failure becomes an `{ok: false, error}` envelope.
 */
export function createHandlers(ctx: HandlerContext): Handlers {
  let facts: Promise<SystemFacts> | null = null;
  let measurements: Promise<RamMeasurements> | null = null;
  // A refresh asked for while one is still running joins it instead of starting another probe or measurement.
  let probing = false;
  let measuring = false;
  const getFacts = (refresh = false) => {
    if (!facts || (refresh && !probing)) {
      probing = true;
      const p = probeFacts(ctx.system);
      facts = p;
      p.then(
        () => (probing = false),
        () => {
          probing = false;
          if (facts === p) facts = null;
        },
      );
    }
    return facts;
  };
  const getMeasurements = async (refresh = false) => {
    if (!measurements || (refresh && !measuring)) {
      measuring = true;
      const p = getFacts().then((f) => measureRam(ctx.system, f));
      measurements = p;
      p.then(
        () => (measuring = false),
        () => {
          measuring = false;
          if (measurements === p) measurements = null;
        },
      );
    }
    return measurements;
  };
  // The engine sizes plans from the same measurements the renderer shows.
  const engine = new Engine({
    sys: ctx.system,
    assetsDir: ctx.assetsDir,
    sizing: modelSizing(() => getMeasurements()),
  });
  const changed = () => {
    facts = null;
  };
  const impl: Impl = {
    'app:info': async () => ({
      version: ctx.version,
      system: { kind: ctx.system.kind, description: ctx.system.description },
    }),
    'facts:get': async (req) => getFacts(req.refresh),
    // Its own read of the machine, through the recorder that refuses any change (the System check screen).
    'doctor:run': async () => (await runDoctor(ctx.system, { assetsDir: ctx.assetsDir })).result,
    'ram:measure': async (req) => getMeasurements(req.refresh),
    'plan:create': async (req) => engine.plan(req.choices, await getFacts(true)),
    'plan:apply': async (req) => {
      try {
        return await engine.apply(req.choices, { expectedDigest: req.digest, onEvent: ctx.emit });
      } finally {
        changed();
      }
    },
    'journal:status': async () => {
      const txs = await engine.transactions();
      const unfinished = unfinishedTransaction(txs);
      return {
        transactions: txs.map(summarize),
        installed: installedTransactions(txs).map(summarize),
        unfinished: unfinished ? summarize(unfinished) : null,
      };
    },
    'rollback:preview': async () => engine.rollbackPreview(),
    'rollback:run': async (req) => {
      try {
        return await engine.rollback(req.resolutions, { onEvent: ctx.emit });
      } finally {
        changed();
      }
    },
    'recover:run': async (req) => {
      try {
        return await engine.recover(req.action, { onEvent: ctx.emit });
      } finally {
        changed();
      }
    },
    'qubes:shutdown': async (req) => {
      try {
        return await shutdownQubes(ctx.system, req.qubes);
      } finally {
        changed();
      }
    },
  };
  let busy = false;
  const wrap =
    <C extends InvokeChannel>(channel: C) =>
    async (payload: unknown): Promise<Envelope<ResponseOf<C>>> => {
      const contract = CONTRACTS[channel];
      const req = contract.request.safeParse(payload ?? {});
      if (!req.success) {
        const detail = req.error.issues
          .map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`)
          .join('; ');
        return {
          ok: false,
          error: serializeError(
            new AppError('invalid-request', 'internal', `invalid ${channel} request: ${detail}`, {
              channel,
              detail,
            }),
          ),
        };
      }
      const mutating = MUTATING.has(channel);
      if ((mutating || READS_DOM0.has(channel)) && busy)
        return {
          ok: false,
          error: serializeError(new AppError('busy', 'user', 'another change is still running', { channel })),
        };
      if (mutating) busy = true;
      let lock: { release(): void } | null = null;
      try {
        if (mutating) {
          // Asked by the main process itself, not by the renderer; no way to ask means no change.
          if (!ctx.confirm || !(await ctx.confirm(confirmationFor(channel, req.data, ctx.system)))) {
            throw new AppError(
              'not-confirmed',
              'cancelled',
              ctx.confirm
                ? `${channel}: the user declined`
                : `${channel}: this shell cannot ask the user, so it refuses`,
              { channel },
            );
          }
          // Across processes: the CLI, another window or a second app instance may be changing dom0 right now.
          lock = await acquireChangeLock(ctx.system);
        }
        const value = await (impl[channel] as (r: unknown) => Promise<unknown>)(req.data);
        return { ok: true, value: contract.response.parse(value) as ResponseOf<C> };
      } catch (e) {
        return { ok: false, error: serializeError(e) };
      } finally {
        lock?.release();
        if (mutating) busy = false;
      }
    };
  return Object.fromEntries(INVOKE_CHANNELS.map((c) => [c, wrap(c)])) as unknown as Handlers;
}
