import type { ReactNode } from 'react';
import { useEffect, useRef } from 'react';

/**
 * A wizard screen: a section named by its heading. The heading takes focus when the screen appears, so keyboard
 * and screen-reader users land at the top of each new step instead of on a button that no longer exists.
 */
export function Screen({
  id,
  title,
  lead,
  children,
}: {
  readonly id: string;
  readonly title: string;
  readonly lead?: ReactNode;
  readonly children: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    heading.current?.focus();
  }, []);
  return (
    <section className="screen" aria-labelledby={`${id}-title`} data-testid={`screen-${id}`}>
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1} className="screen-title">
        {title}
      </h2>
      {lead ? <p className="lead">{lead}</p> : null}
      {children}
    </section>
  );
}
