import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** `[Unit]` directives of the session unit, as systemd reads them (one `Key=value` per line, `#` comments). */
function unitDirectives(text: string): [string, string][] {
  const out: [string, string][] = [];
  let section = '';
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#') || line.startsWith(';')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) section = s[1]!;
    else if (section === 'Unit')
      out.push([line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
  }
  return out;
}

describe('qubes-stateless-session.service', () => {
  const unit = unitDirectives(
    readFileSync(join(import.meta.dirname, 'qubes-stateless-session.service'), 'utf8'),
  );
  it('orders after qubesd and wants it, without Requires=/BindsTo=/PartOf= (those stop and re-run it when qubesd restarts)', () => {
    const on = (key: string) => unit.filter(([k]) => k === key).flatMap(([, v]) => v.split(/\s+/));
    expect(on('After')).toContain('qubesd.service');
    expect(on('Wants')).toContain('qubesd.service');
    for (const key of ['Requires', 'Requisite', 'BindsTo', 'PartOf'])
      expect(on(key), key).not.toContain('qubesd.service');
  });
});
