import type { WizardChoicesInput } from '../../../shared/choices.js';
import type { DoctorCheck, DoctorResult } from '../../../shared/doctor.js';
import { DOCTOR_FORMAT } from '../../../shared/doctor.js';
import type { SystemFacts } from '../../../shared/facts.js';
import type { RamMeasurements } from '../../../shared/ram/ram-estimate.js';
import { systemChecks } from '../../../shared/system-checks.js';
import { serializeError } from '../errors.js';
import { probeFacts } from '../probes/probe-facts.js';
import { measureRam } from '../ram/estimate-ram.js';
import { BIN } from '../system/binaries.js';
import { effectiveArgv } from '../system/check-result.js';
import type { SystemReader } from '../system/system.js';
import { Engine } from '../tasks/engine.js';
import { modelSizing } from '../tasks/sizing.js';
import type { RecordedEvent } from './recording-system.js';
import { RecordingSystem } from './recording-system.js';

/**
 * doctor: the app's own read paths, run one stage at a time over a RecordingSystem — sudo, the programs it runs,
 * the facts probes (what `status` reads), the RAM measurements, the readiness checks and a plan of the fullest
 * choices (what `plan` reads and the preconditions it checks). A stage that fails does not stop the others that
 * do not need it. Nothing is changed: the recorder refuses writes and any command that is not read-only.
 */

/**
 * The plan doctor makes: choices that read the most without depending on the user's qube names — zram, swap
 * off for good (the planner parses /etc/fstab), the RAM pool (its preconditions), ephemeral volatile volumes
 * (qvm-pool info of the default pool).
 */
export const DOCTOR_CHOICES: WizardChoicesInput = {
  dom0: { mode: 'zram' },
  swap: 'disable',
  ramPool: { enabled: true },
  ephemeralVolatile: true,
};

/** Programs a missing one of which only some choices need; the planner says which (precondition xfsprogs). */
const OPTIONAL_PROGRAMS: ReadonlySet<string> = new Set([BIN.mkfsXfs]);

export interface DoctorOptions {
  /** The bundled assets the planner checks (as for `plan`). */
  readonly assetsDir: string;
}

export interface DoctorRun {
  readonly result: DoctorResult;
  /** Everything the stages read, in order (doctor --report writes it, redacted). */
  readonly events: readonly RecordedEvent[];
  readonly facts: SystemFacts | null;
}

/** What to do about a failure, by its error code. */
function hintFor(code: string): string | null {
  switch (code) {
    case 'sudo-refused':
      return 'doctor.hint.sudo';
    case 'command-missing':
      return 'doctor.hint.program';
    case 'parse-error':
      return 'doctor.hint.report';
    case 'doctor-refused':
      return 'doctor.hint.refused';
    case 'file-unreadable':
      return 'doctor.hint.unreadable';
    case 'not-qubes':
    case 'unsupported-release':
      return 'doctor.hint.release';
    default:
      return 'doctor.hint.command';
  }
}

type Group = DoctorCheck['group'];

/** One check per command a stage ran, and one per file operation that failed. */
function eventChecks(events: readonly RecordedEvent[], group: Group, startIndex: number): DoctorCheck[] {
  const out: DoctorCheck[] = [];
  events.forEach((e, i) => {
    const id = `${group}:${startIndex + i}`;
    if (e.op === 'run') {
      const argv = effectiveArgv({ bin: e.bin, args: e.args, privileged: e.privileged }, BIN.sudo);
      out.push({
        id,
        group,
        status: e.error ? 'problem' : 'ok',
        key: e.refused ? 'doctor.command.refused' : e.error ? 'doctor.command.problem' : 'doctor.command.ok',
        params: e.error ? { code: e.error.code, message: e.error.message } : {},
        hint: e.error ? hintFor(e.error.code) : null,
        command: { argv, exitCode: e.exitCode },
      });
    } else if (e.error) {
      out.push({
        id,
        group,
        status: e.op === 'write' ? 'problem' : 'warn',
        key: `doctor.file.${e.op}`,
        params: { path: e.path, code: e.error.code, message: e.error.message },
        hint: hintFor(e.error.code),
        command: null,
      });
    }
  });
  return out;
}

const stageFailed = (group: Group, e: unknown): DoctorCheck => {
  const s = serializeError(e);
  return {
    id: `${group}:failed`,
    group,
    status: 'problem',
    key: `doctor.stage.${group}`,
    params: { code: s.code, message: s.message },
    hint: hintFor(s.code),
    command: null,
  };
};

export async function runDoctor(sys: SystemReader, opts: DoctorOptions): Promise<DoctorRun> {
  const rec = new RecordingSystem(sys);
  const checks: DoctorCheck[] = [];
  /** Run one stage; its events become checks; a throw becomes a problem and the stage's value null. */
  const stage = async <T>(group: Group, fn: () => Promise<T>, eventsAsChecks = true): Promise<T | null> => {
    rec.stage = group;
    const from = rec.events.length;
    let value: T | null = null;
    let error: unknown = null;
    try {
      value = await fn();
    } catch (e) {
      error = e;
    }
    if (eventsAsChecks) checks.push(...eventChecks(rec.events.slice(from), group, from));
    if (error !== null) checks.push(stageFailed(group, error));
    return value;
  };

  // The planner's own sudo check (planner.ts sudoWorks): `sudo -n true`, which never prompts.
  await stage('sudo', () => rec.run({ bin: BIN.true, args: [], privileged: true }));

  await stage(
    'programs',
    async () => {
      const missing: string[] = [];
      for (const bin of [...new Set(Object.values(BIN))].sort())
        if (!(await rec.stat(bin).catch(() => null))) missing.push(bin);
      if (missing.length === 0)
        checks.push({
          id: 'programs:all',
          group: 'programs',
          status: 'ok',
          key: 'doctor.programs.ok',
          params: { count: new Set(Object.values(BIN)).size },
          hint: null,
          command: null,
        });
      for (const bin of missing) {
        const optional = OPTIONAL_PROGRAMS.has(bin);
        checks.push({
          id: `programs:${bin}`,
          group: 'programs',
          status: optional ? 'warn' : 'problem',
          key: optional ? 'doctor.programs.optional' : 'doctor.programs.missing',
          params: { path: bin },
          hint: 'doctor.hint.program',
          command: null,
        });
      }
    },
    false,
  );

  const facts = await stage('probes', () => probeFacts(rec));
  let measurements: RamMeasurements | null = null;
  if (facts) {
    // Typical ratios, no sampling: a sample reads the root's files, which neither doctor nor its report needs.
    measurements = await stage('ram', () => measureRam(rec, facts, { sample: false }));
    for (const c of systemChecks(facts)) {
      checks.push({
        id: `readiness:${c.id}`,
        group: 'readiness',
        status: c.status === 'block' ? 'problem' : c.status,
        key: `checks.${c.id}.${c.status}`,
        params: { ...c.params },
        hint: null,
        command: null,
      });
    }
  }
  if (facts && measurements) {
    const m = measurements;
    const engine = new Engine({ sys: rec, assetsDir: opts.assetsDir, sizing: modelSizing(async () => m) });
    const planned = await stage('plan', () => engine.plan(DOCTOR_CHOICES, facts));
    for (const p of planned?.plan.preconditions ?? []) {
      checks.push({
        id: `plan:${p.id}`,
        group: 'plan',
        status: p.ok ? 'ok' : 'problem',
        key: `preconditions.${p.id}.${p.ok ? 'ok' : 'fail'}`,
        params: { ...p.params },
        hint: null,
        command: null,
      });
    }
  }

  const counts = { ok: 0, warn: 0, problem: 0 };
  for (const c of checks) counts[c.status]++;
  return {
    result: {
      format: DOCTOR_FORMAT,
      simulated: sys.kind === 'simulated',
      ok: counts.problem === 0,
      counts,
      fileOperations: rec.events.filter((e) => e.op !== 'run').length,
      checks,
    },
    events: rec.events,
    facts,
  };
}
