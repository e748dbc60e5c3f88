import type { ReactNode } from 'react';
import type { Problem } from '../lib/choice-problems.js';
import { FieldMessage } from './field-message.js';

/** A qube name input, checked live against the machine's release and its existing qubes. */
export function NameField({
  id,
  label,
  value,
  placeholder,
  problem,
  hint,
  onChange,
}: {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly placeholder?: string;
  readonly problem: Problem | undefined;
  readonly hint?: ReactNode;
  readonly onChange: (value: string) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        className="text-input mono"
        value={value}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete="off"
        maxLength={64}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-msg`}
        onChange={(e) => onChange(e.target.value)}
      />
      <FieldMessage id={`${id}-msg`} problem={problem} hint={hint} />
    </div>
  );
}
