import { useMemo } from 'react';
import type { SystemFacts } from '../../../shared/facts.js';
import type { RamMeasurements, RamModel } from '../../../shared/ram/ram-estimate.js';
import { ramModel } from '../lib/ram-view.js';
import { useRamStore } from '../stores/ram-store.js';
import { useSystemStore } from '../stores/system-store.js';
import { useWizardStore } from '../stores/wizard-store.js';

export interface RamContext {
  readonly facts: SystemFacts;
  readonly measurements: RamMeasurements;
  readonly model: RamModel;
}

/** The RAM model for the current choices, recomputed (purely) whenever they change; null until measured. */
export function useRamModel(): RamContext | null {
  const facts = useSystemStore((s) => s.facts);
  const measurements = useRamStore((s) => s.measurements);
  const choices = useWizardStore((s) => s.choices);
  return useMemo(
    () =>
      facts.kind === 'ready' && measurements.kind === 'ready'
        ? {
            facts: facts.value,
            measurements: measurements.value,
            model: ramModel(facts.value, choices, measurements.value),
          }
        : null,
    [facts, measurements, choices],
  );
}
