import type { ReactNode } from 'react';

/** One label/value row of a `<dl className="facts">` list. */
export function Fact({
  label,
  value,
  testId,
  mono,
}: {
  readonly label: string;
  readonly value: ReactNode;
  readonly testId?: string;
  readonly mono?: boolean;
}) {
  return (
    <div className="fact" data-testid={testId}>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{value}</dd>
    </div>
  );
}
