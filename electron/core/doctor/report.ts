import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DoctorResult } from '../../../shared/doctor.js';
import { DoctorResultSchema } from '../../../shared/doctor.js';
import { AppError } from '../errors.js';
import type { RecordedEvent } from './recording-system.js';
import { Redactor } from './redact.js';
import type { DoctorRun } from './run-doctor.js';

/**
 * `doctor --report FILE`: everything doctor's stages read (command lines, exit statuses, outputs; the files they
 * read, stat, listed), redacted (redact.ts), with the doctor result. A format name and version say how to read
 * it; `sha256` is over the JSON text of `body`, so a truncated or edited report is refused (it detects damage
 * and hand edits, it is no signature). Written atomically and 0600.
 */
export const REPORT_FORMAT = 'qubes-stateless-report';
export const REPORT_VERSION = 1;
/** Text files up to this size are kept whole; larger or binary ones only by size. */
const MAX_TEXT_BYTES = 4 * 1024 * 1024;

const Failure = z.object({ code: z.string(), message: z.string() }).nullable();
const FileInfoSchema = z.object({
  kind: z.enum(['file', 'dir', 'symlink', 'other']),
  size: z.number().int().nonnegative(),
  mode: z.number().int(),
  uid: z.number().int(),
  gid: z.number().int(),
});
const common = { stage: z.string(), error: Failure };

export const ReportEventSchema = z.discriminatedUnion('op', [
  z
    .object({
      op: z.literal('run'),
      ...common,
      bin: z.string(),
      args: z.array(z.string()),
      privileged: z.boolean(),
      exitCode: z.number().int().nullable(),
      stdout: z.string(),
      stderr: z.string(),
      refused: z.boolean(),
    })
    .strict(),
  /** `text` is null for binary or large files (then only `size` is known) and when the read failed. */
  z
    .object({
      op: z.literal('read'),
      ...common,
      path: z.string(),
      text: z.string().nullable(),
      size: z.number().int().nonnegative().nullable(),
    })
    .strict(),
  z.object({ op: z.literal('stat'), ...common, path: z.string(), info: FileInfoSchema.nullable() }).strict(),
  z
    .object({ op: z.literal('list'), ...common, path: z.string(), entries: z.array(z.string()).nullable() })
    .strict(),
  /** Hashes of the unredacted files are not kept (they would confirm guesses of what was redacted). */
  z.object({ op: z.literal('sha256'), ...common, path: z.string(), exists: z.boolean().nullable() }).strict(),
  z.object({ op: z.literal('write'), ...common, method: z.string(), path: z.string() }).strict(),
]);
export type ReportEvent = z.infer<typeof ReportEventSchema>;

export const ReportBodySchema = z
  .object({
    createdAt: z.string(),
    system: z.object({ kind: z.enum(['real', 'simulated']) }).strict(),
    anonymized: z.boolean(),
    /** How many distinct values of each kind were replaced. */
    redactions: z.record(z.string(), z.number().int().nonnegative()),
    doctor: DoctorResultSchema,
    events: z.array(ReportEventSchema),
  })
  .strict();
export type ReportBody = z.infer<typeof ReportBodySchema>;

export interface Report {
  readonly format: typeof REPORT_FORMAT;
  readonly version: number;
  readonly sha256: string;
  readonly body: ReportBody;
}

const isUtf8 = (b: Buffer) => Buffer.from(b.toString('utf8'), 'utf8').equals(b);

function hostnamesIn(events: readonly RecordedEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.op === 'run' && e.bin.endsWith('/xl') && e.args[0] === 'info') {
      const m = /^host\s*:\s*(\S+)\s*$/m.exec(e.stdout);
      if (m) out.push(m[1]!);
    }
    if (e.op === 'read' && e.path === '/etc/hostname' && e.bytes) out.push(e.bytes.toString('utf8').trim());
  }
  return out;
}

function qubeNamesIn(run: DoctorRun): string[] {
  if (run.facts) return run.facts.qubes.map((q) => q.name);
  // The probes failed after qvm-ls: its first column still names every qube.
  return run.events.flatMap((e) =>
    e.op === 'run' && e.bin.endsWith('/qvm-ls') && !e.error
      ? e.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.split('|')[0]!)
      : [],
  );
}

/** Apply `f` to every string inside a JSON value (keys stay). */
function mapStrings<T>(value: T, f: (s: string) => string): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => mapStrings(v, f)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)])) as T;
  return value;
}

function reportEvent(e: RecordedEvent): ReportEvent {
  switch (e.op) {
    case 'run':
      return {
        op: 'run',
        stage: e.stage,
        error: e.error,
        bin: e.bin,
        args: [...e.args],
        privileged: e.privileged,
        exitCode: e.exitCode,
        stdout: e.stdout,
        stderr: e.stderr,
        refused: e.refused,
      };
    case 'read': {
      const keep = e.bytes && e.bytes.length <= MAX_TEXT_BYTES && isUtf8(e.bytes);
      return {
        op: 'read',
        stage: e.stage,
        error: e.error,
        path: e.path,
        text: keep ? e.bytes!.toString('utf8') : null,
        size: e.bytes ? e.bytes.length : null,
      };
    }
    case 'stat':
      return {
        op: 'stat',
        stage: e.stage,
        error: e.error,
        path: e.path,
        info: e.info ? { ...e.info } : null,
      };
    case 'list':
      return {
        op: 'list',
        stage: e.stage,
        error: e.error,
        path: e.path,
        entries: e.entries ? [...e.entries] : null,
      };
    case 'sha256':
      return {
        op: 'sha256',
        stage: e.stage,
        error: e.error,
        path: e.path,
        exists: e.error ? null : e.sha256 !== null,
      };
    case 'write':
      return { op: 'write', stage: e.stage, error: e.error, method: e.method, path: e.path };
  }
}

export function buildReport(
  run: DoctorRun,
  opts: { anonymize: boolean; username: string | null; kind: 'real' | 'simulated'; now?: Date },
): Report {
  const redactor = new Redactor({
    qubeNames: qubeNamesIn(run),
    hostnames: hostnamesIn(run.events),
    username: opts.username,
    anonymize: opts.anonymize,
  });
  const r = (s: string) => redactor.text(s);
  const events = run.events.map((e) => mapStrings(reportEvent(e), r));
  const doctor: DoctorResult = mapStrings(run.result, r);
  const body: ReportBody = {
    createdAt: (opts.now ?? new Date()).toISOString(),
    system: { kind: opts.kind },
    anonymized: opts.anonymize,
    redactions: redactor.summary(),
    doctor,
    events,
  };
  return { format: REPORT_FORMAT, version: REPORT_VERSION, sha256: bodySha256(body), body };
}

const bodySha256 = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** Atomically: a 0600 temporary file beside FILE, fsynced, renamed over it, the directory fsynced. */
export async function writeReport(file: string, report: Report): Promise<void> {
  const abs = path.resolve(file);
  const st = await fs.lstat(abs).catch(() => null);
  if (st && !st.isFile())
    throw new AppError('report-invalid', 'user', `${abs} exists and is not a regular file`, {
      path: abs,
      detail: 'not a regular file',
    });
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fh = await fs.open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(`${JSON.stringify(report, null, 1)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.rename(tmp, abs);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    if (e instanceof AppError) throw e;
    throw new AppError(
      'report-invalid',
      'user',
      `cannot write ${abs}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { path: abs, detail: (e as NodeJS.ErrnoException).code ?? 'error' },
    );
  }
  const dir = await fs.open(path.dirname(abs), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

const invalid = (file: string, detail: string) =>
  new AppError('report-invalid', 'user', `${file} is not a usable doctor report: ${detail}`, {
    path: file,
    detail,
  });

/** Reads and checks a report: JSON, format and version, checksum, then the shape of every event. */
export async function readReport(file: string): Promise<ReportBody> {
  const abs = path.resolve(file);
  let raw: string;
  try {
    raw = await fs.readFile(abs, 'utf8');
  } catch (e) {
    throw invalid(abs, `cannot read it (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    throw invalid(abs, `not complete JSON (truncated?): ${(e as Error).message}`);
  }
  const head = z
    .object({ format: z.string(), version: z.unknown(), sha256: z.string(), body: z.unknown() })
    .safeParse(json);
  if (!head.success || head.data.format !== REPORT_FORMAT) throw invalid(abs, `not a ${REPORT_FORMAT} file`);
  if (head.data.version !== REPORT_VERSION)
    throw invalid(
      abs,
      `format version ${JSON.stringify(head.data.version)} is not supported (this qubes-stateless reads version ${REPORT_VERSION})`,
    );
  if (bodySha256(head.data.body) !== head.data.sha256)
    throw invalid(abs, 'its checksum does not match its contents (damaged or edited)');
  const body = ReportBodySchema.safeParse(head.data.body);
  if (!body.success) {
    const i = body.error.issues[0]!;
    throw invalid(abs, `${i.path.join('.') || '(body)'}: ${i.message}`);
  }
  return body.data;
}
