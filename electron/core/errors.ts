import type { ErrorCode, ErrorKind, SerializedError } from '../../shared/errors.js';

type Params = Readonly<Record<string, string | number | boolean>>;

/** A failure with a stable code; the UI and CLI turn the code into words, the message is for logs. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly params: Params;

  constructor(
    code: ErrorCode,
    kind: ErrorKind,
    message: string,
    params: Params = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
    this.kind = kind;
    this.params = params;
  }
}

/** A command exited with a code it was not expected to, or could not start. */
export class CommandError extends AppError {
  readonly bin: string;
  readonly args: readonly string[];
  readonly exitCode: number | null;
  readonly stderr: string;

  constructor(init: {
    bin: string;
    args: readonly string[];
    exitCode: number | null;
    stderr: string;
    code?: ErrorCode;
  }) {
    const code = init.code ?? 'command-failed';
    const shown = [init.bin, ...init.args].join(' ');
    const why = init.stderr.trim().split('\n').slice(-3).join(' / ');
    super(
      code,
      code === 'sudo-refused' ? 'precondition' : 'internal',
      `${shown} → exit ${init.exitCode ?? 'none'}: ${why}`,
      {
        command: shown,
        exitCode: init.exitCode ?? -1,
        stderr: why,
      },
    );
    this.name = 'CommandError';
    this.bin = init.bin;
    this.args = init.args;
    this.exitCode = init.exitCode;
    this.stderr = init.stderr;
  }
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof AppError) {
    return { code: err.code, kind: err.kind, message: err.message, params: { ...err.params } };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', kind: 'internal', message, params: { message } };
}
