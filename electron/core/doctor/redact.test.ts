import { describe, expect, it } from 'vitest';
import { Redactor } from './redact.js';

const redactor = () => new Redactor({ qubeNames: [], hostnames: [], username: null, anonymize: false });

describe('redaction of text quoted inside JSON (a journal read into a report)', () => {
  // fstab as the journal holds it: inside a JSON string, quotes and newlines are escaped.
  const fstab =
    'LABEL="my swap" none swap defaults 0 0\nLABEL=data /data ext4 defaults 0 2\nPARTLABEL=esp /boot/efi vfat umask=0077 0 2\n/dev/disk/by-id/ata-SAMSUNG_SN123\\x20 /x ext4 defaults 0 2\n';
  const json = JSON.stringify({ content: fstab });

  it('keeps the JSON valid', () => {
    expect(() => JSON.parse(redactor().text(json))).not.toThrow();
  });

  it('redacts every label and disk name, including those after an escaped newline', () => {
    const out = (JSON.parse(redactor().text(json)) as { content: string }).content;
    for (const secret of ['my swap', 'LABEL=data', 'PARTLABEL=esp', 'SAMSUNG_SN123'])
      expect(out).not.toContain(secret);
    expect(out).toMatch(/^LABEL=label-\d+ none swap/m);
    expect(out).toMatch(/^PARTLABEL=label-\d+ \/boot\/efi/m);
  });
});
