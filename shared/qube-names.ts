import type { QubesRelease } from './facts.js';

/**
 * Qube name rules as qubesd enforces them (qubes/vm/__init__.py validate_name, release4.2 and release4.3):
 * at most 31 characters; a letter first; then letters, digits, `_`, `-` (and `.` from 4.3); not a reserved
 * name, not ending in `-dm` (Xen's device-model stub domains).
 */
export type NameProblem = 'empty' | 'too-long' | 'bad-first-char' | 'bad-char' | 'reserved' | 'dm-suffix';

export const MAX_QUBE_NAME = 31;
const RESERVED = new Set(['Domain-0', 'none', 'default']);

export function qubeNameProblem(name: string, release: QubesRelease): NameProblem | null {
  if (name.length === 0) return 'empty';
  if (name.length > MAX_QUBE_NAME) return 'too-long';
  if (!/^[a-zA-Z]/.test(name)) return 'bad-first-char';
  const rest = release === '4.2' ? /^[a-zA-Z][a-zA-Z0-9_-]*$/ : /^[a-zA-Z][a-zA-Z0-9_.-]*$/;
  if (!rest.test(name)) return 'bad-char';
  if (RESERVED.has(name)) return 'reserved';
  if (name.endsWith('-dm')) return 'dm-suffix';
  return null;
}

/** Pool names accepted by admin.pool.Add (qubes/api/admin.py). */
export function poolNameProblem(name: string): 'empty' | 'bad-char' | null {
  if (name.length === 0) return 'empty';
  return /^[A-Za-z0-9_.-]+$/.test(name) ? null : 'bad-char';
}
