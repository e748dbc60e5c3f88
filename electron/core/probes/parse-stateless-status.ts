import type { StatelessStatus } from '../../../shared/facts.js';

/**
 * /run/qubes-stateless/status, written by our dracut module when the boot asked for a stateless root: one
 * key=value per line, split at the first '=', unknown keys ignored (assets/README.md documents the format).
 */
export function parseStatelessStatus(text: string): StatelessStatus | null {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const result = kv.get('result');
  if (kv.get('version') !== '1' || (result !== 'active' && result !== 'fallback')) return null;
  const num = (k: string) => (/^\d+$/.test(kv.get(k) ?? '') ? Number(kv.get(k)) : null);
  return {
    mode: kv.get('mode') ?? '',
    result,
    reason: kv.get('reason') ?? '',
    message: kv.get('message') ?? '',
    seconds: kv.get('seconds') ?? '',
    bytes: num('bytes'),
  };
}
