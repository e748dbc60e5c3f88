import { qubeNameProblem } from '../../../shared/qube-names.js';
import { readOnlyCandidates, shutdownOffered } from '../../../shared/read-only-root.js';
import { AppError } from '../errors.js';
import { probeFacts } from '../probes/probe-facts.js';
import type { System } from '../system/system.js';
import { qvmShutdown } from './admin-commands.js';

/**
 * Shut down qubes the wizard showed as blocking a choice (a running qube's root cannot be made read-only).
 * The renderer sends names only; each must be a valid name (shared/qube-names.ts) of a qube the probe finds now,
 * not dom0, one the wizard lists (shared/read-only-root.ts), and Running (shutdownOffered) or already Halted:
 * nothing else is shut down from here. Every name is checked before anything runs, so bad input changes nothing.
 * Returns the names that are halted afterwards, read by a fresh probe.
 */
export async function shutdownQubes(sys: System, names: readonly string[]): Promise<{ halted: string[] }> {
  const facts = await probeFacts(sys);
  const wanted = [...new Set(names)];
  for (const name of wanted) {
    const problem = qubeNameProblem(name, facts.qubesRelease);
    if (problem)
      throw new AppError('invalid-qube-name', 'user', `"${name}" is not a valid qube name (${problem})`, {
        name,
        problem,
      });
    const q = facts.qubes.find((x) => x.name === name);
    if (!q || q.klass === 'AdminVM')
      throw new AppError(
        'invalid-choice',
        'user',
        `${name}: ${q ? 'dom0 is not shut down from here' : 'there is no such qube on this machine'}`,
        { field: name, reason: q ? 'shutdown.problem.adminVm' : 'shutdown.problem.unknown', value: name },
      );
    if (!readOnlyCandidates(facts).some((c) => c.name === name))
      throw new AppError('invalid-choice', 'user', `${name}: not a qube the wizard offers to shut down`, {
        field: name,
        reason: 'shutdown.problem.notOffered',
        value: name,
      });
    // Already halted (shut down elsewhere since): nothing to ask qubesd. Any state but Running is refused
    // (shutdownOffered: a paused qube would be killed, not shut down).
    if (q.state !== 'Halted' && !shutdownOffered(q))
      throw new AppError(
        'invalid-choice',
        'user',
        `${name} is ${q.state}, not running: ${q.state === 'Paused' ? 'unpause it or shut it down in the Qube Manager' : 'only a running qube is shut down from here'}`,
        {
          field: name,
          reason: q.state === 'Paused' ? 'shutdown.problem.paused' : 'shutdown.problem.notRunning',
          value: name,
          state: q.state,
        },
      );
  }
  const running = wanted.filter((n) => shutdownOffered(facts.qubes.find((q) => q.name === n)!));
  // Unprivileged, like every qvm-* the app runs: dom0's user is in the qubes group, which qubesd's socket allows.
  if (running.length) await sys.run(qvmShutdown(running, facts.qubesRelease));
  const after = await probeFacts(sys);
  return { halted: wanted.filter((n) => after.qubes.find((q) => q.name === n)?.state === 'Halted') };
}
