import type { QubeFact, SystemFacts } from './facts.js';

/**
 * Qubes whose root volume can be made read-only: every qube with a root volume of its own, templates first.
 * The wizard lists these; a running one blocks its own choice, and only such a qube may be shut down from the
 * wizard (the core checks the same list).
 */
export function readOnlyCandidates(facts: SystemFacts): QubeFact[] {
  const rank = (q: QubeFact) => (q.klass === 'TemplateVM' ? 0 : 1);
  return facts.qubes
    .filter((q) => q.klass !== 'AdminVM' && q.volumes.root)
    .sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/**
 * Whether the wizard may shut a qube down: only a Running one. A Paused qube is not shut down cleanly by either
 * release: qubesd's QubesVM.shutdown (qubes-core-admin qubes/vm/qubesvm.py) refuses it without force on
 * release4.3 (QubesVMNotRunningError), and on release4.2 sends libvirt's shutdown request, which a paused guest
 * cannot act on; qvm-shutdown --wait (qubes-core-admin-client qubesadmin/tools/qvm_shutdown.py, release4.2 and
 * release4.3) ignores that error (a QubesVMNotStartedError) and kills the qube at the timeout. Other states
 * (Transient, Halting, Dying, Crashed…) are in passing or not ours to settle.
 */
export const shutdownOffered = (q: Pick<QubeFact, 'state'>): boolean => q.state === 'Running';
