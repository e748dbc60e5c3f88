import { useTranslation } from 'react-i18next';
import type { HostBar } from '../lib/ram-view.js';
import { useMiB } from '../hooks/use-mib.js';

/**
 * The host's memory as one stacked bar (SVG: no inline styles under the CSP). The legend carries every figure in
 * words, so the colours only echo it.
 */
export function RamBar({ bar }: { readonly bar: HostBar }) {
  const { t } = useTranslation();
  const mib = useMiB();
  return (
    <figure className="ram-bar-figure" data-testid="ram-bar">
      <svg
        className="ram-bar"
        viewBox="0 0 1000 36"
        preserveAspectRatio="none"
        role="img"
        aria-label={t('ramScreen.bar.label', { host: mib(bar.hostMiB) })}
      >
        {bar.segments.map((s) => (
          <rect
            key={s.id}
            className={`seg seg-${s.id}`}
            x={s.startPct * 10}
            y={0}
            width={s.pct * 10}
            height={36}
          />
        ))}
      </svg>
      <ul className="ram-legend">
        {bar.segments.map((s) => (
          <li key={s.id} data-testid={`ram-seg-${s.id}`}>
            <span className={`swatch seg-${s.id}`} aria-hidden="true" />
            <span className="legend-name">{t(`ramScreen.segment.${s.id}`)}</span>
            <span className="legend-value">{mib(s.mib)}</span>
          </li>
        ))}
      </ul>
      {bar.overMiB > 0 ? (
        <figcaption className="ram-over">{t('ramScreen.bar.over', { over: mib(bar.overMiB) })}</figcaption>
      ) : null}
    </figure>
  );
}
