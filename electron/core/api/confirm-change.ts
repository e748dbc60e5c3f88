/**
 * Before a change to dom0 starts, the main process asks the user itself (Electron: a native dialog), so a
 * compromised renderer cannot start one silently. The core stays free of Electron: each shell passes its own
 * `ConfirmChange` (the Chromium preview and the e2e harness confirm through the renderer's own Review screen).
 */
export type ChangeAction = 'apply' | 'rollback' | 'recover' | 'shutdown';

export interface ChangeConfirmation {
  readonly action: ChangeAction;
  /** Fills the `confirm.<action>.*` texts of the English catalogue. */
  readonly params: Readonly<Record<string, string | number>>;
}

/** Resolves true only when the user said yes. */
export type ConfirmChange = (request: ChangeConfirmation) => Promise<boolean>;
