import type { ReactNode } from 'react';

/**
 * One option of a radio group, drawn as a card: the whole card is clickable, the radio stays a real input named by
 * the card's title and described by its text.
 */
export function RadioCard<V extends string>({
  name,
  value,
  checked,
  onSelect,
  title,
  children,
  disabled = false,
}: {
  readonly name: string;
  readonly value: V;
  readonly checked: boolean;
  readonly onSelect: (value: V) => void;
  readonly title: ReactNode;
  readonly children?: ReactNode;
  readonly disabled?: boolean;
}) {
  const descId = `${name}-${value}-desc`;
  const titleId = `${name}-${value}-title`;
  return (
    <label
      className={`radio-card${checked ? ' checked' : ''}${disabled ? ' disabled' : ''}`}
      data-testid={`${name}-${value}`}
    >
      <input
        type="radio"
        name={name}
        value={value}
        checked={checked}
        disabled={disabled}
        onChange={() => onSelect(value)}
        aria-labelledby={titleId}
        aria-describedby={children ? descId : undefined}
      />
      <span className="radio-card-body">
        <span id={titleId} className="radio-card-title">
          {title}
        </span>
        {children ? (
          <span id={descId} className="radio-card-text">
            {children}
          </span>
        ) : null}
      </span>
    </label>
  );
}
