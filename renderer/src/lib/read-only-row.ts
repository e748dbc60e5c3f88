import type { QubeFact } from '../../../shared/facts.js';
import type { Message } from '../../../shared/message.js';
import { message } from '../../../shared/message.js';
import { shutdownOffered } from '../../../shared/read-only-root.js';

/** How one qube shows in the read-only-root list: whether it can be ticked, its note, and its shutdown button. */
export interface ReadOnlyRow {
  readonly disabled: boolean;
  readonly note: Message;
  /** "Shut down…" is offered: only for a Running qube that blocks its own choice (shutdownOffered). */
  readonly shutdown: boolean;
}

export function readOnlyRow(q: Pick<QubeFact, 'state' | 'klass'>, checked: boolean): ReadOnlyRow {
  // A qube that is not halted cannot be chosen (its root is in use); one chosen before it started can still be
  // unchosen.
  const busy = q.state !== 'Halted';
  const disabled = busy && !checked;
  const note = !busy
    ? q.klass === 'TemplateVM'
      ? message('extras.readOnly.template')
      : message('extras.readOnly.klass', { klass: q.klass })
    : shutdownOffered(q)
      ? message('extras.readOnly.running', { state: q.state })
      : q.state === 'Paused'
        ? message('extras.readOnly.paused')
        : message('extras.readOnly.notHalted', { state: q.state });
  return { disabled, note, shutdown: disabled && shutdownOffered(q) };
}
