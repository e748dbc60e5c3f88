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
