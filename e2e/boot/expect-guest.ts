// Expectations on a guest report shared by the boot tests (direct-kernel and real-chain).
import { expect } from 'vitest';
import { first, type GuestReport } from './harness.js';

/** security.capability of /qs/cap: cap_net_raw+ep (VFS_CAP_REVISION_2), as makeTestRoot sets it. */
export const FIXTURE_CAPABILITY_HEX = '0100000200200000000000000000000000000000';

export function expectBooted(r: { timedOut: boolean; report: GuestReport; logFile: string }): GuestReport {
  expect(r.timedOut, `timed out, see ${r.logFile}`).toBe(false);
  expect(r.report.complete, `guest report incomplete, see ${r.logFile}`).toBe(true);
  return r.report;
}

/** The attribute fixtures of makeTestRoot, as seen in the guest. */
export function expectFixtures(rep: GuestReport, userXattr: boolean): void {
  expect(first(rep, 'dotfile')).toBe('dot-ok');
  expect(first(rep, 'dotdir')).toBe('dotdir-ok');
  const [inoA, linksA, inoB, linksB] = (first(rep, 'hardlink') ?? '').split(' ');
  expect(inoA).toBe(inoB);
  expect(linksA).toBe('2');
  expect(linksB).toBe('2');
  // 64 MiB apparent size, a few KiB allocated, content intact.
  const [size, blocks, blockSize, md5] = (first(rep, 'sparse') ?? '').split(' ');
  expect(Number(size)).toBe(64 * 1024 * 1024);
  expect(Number(blocks) * Number(blockSize)).toBeLessThanOrEqual(64 * 1024);
  expect(md5).toBe('2ce339f5d2a07875925490ae2da6a5de');
  expect(first(rep, 'owner')).toBe('1234:5678 640');
  expect(first(rep, 'xattr_file')).toContain('security.selinux="system_u:object_r:etc_t:s0"');
  if (userXattr) expect(first(rep, 'xattr_file')).toContain('user.qstest="kept"');
  expect(first(rep, 'xattr_acl')).toMatch(/system\.posix_acl_access=0s\S+/);
  expect(first(rep, 'xattr_root')).toContain('security.selinux="system_u:object_r:root_t:s0"');
  expect(first(rep, 'rootdir')).toBe('0:0 755');
  expect(first(rep, 'xattr_cap')).toContain(
    `security.capability=0s${Buffer.from(FIXTURE_CAPABILITY_HEX, 'hex').toString('base64')}`,
  );
}
