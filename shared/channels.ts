/**
 * IPC channel names: the preload's allowlist and the main process's handler table both derive from this list.
 * Kept free of zod so the sandboxed preload stays tiny.
 */
export const INVOKE_CHANNELS = [
  'app:info',
  'facts:get',
  'doctor:run',
  'ram:measure',
  'plan:create',
  'plan:apply',
  'journal:status',
  'rollback:preview',
  'rollback:run',
  'recover:run',
  'qubes:shutdown',
] as const;
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

/** Main → renderer notifications (progress of long operations). */
export const EVENT_CHANNELS = ['event:task'] as const;
export type EventChannel = (typeof EVENT_CHANNELS)[number];

export const isInvokeChannel = (c: unknown): c is InvokeChannel =>
  typeof c === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(c);
