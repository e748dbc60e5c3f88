import { createHash } from 'node:crypto';
import type { PendingGrub } from '../../../shared/plan.js';
import { unifiedDiff } from '../config/unified-diff.js';
import { BIN } from '../system/binaries.js';
import type { System } from '../system/system.js';

/**
 * A GRUB edit the user made but never applied: /etc/default/grub changed (as forum recipes tell people to do)
 * without a grub2-mkconfig after it. Our apply regenerates grub.cfg, so it would carry that edit into the stock
 * entries too; the plan shows it and asks, instead of failing at verification.
 *
 * `grub2-mkconfig` without -o prints the config on stdout and writes no file: util/grub-mkconfig.in of
 * rhboot/grub2 fedora-37 (under Qubes' GRUB 2.06, QubesOS/qubes-grub2 release4.2) and fedora-41 (2.12, should
 * 4.3 use Fedora's) redirects its output to "${grub_cfg}.new" only when -o is given; 10_linux, the one
 * script that can touch grubenv (GRUB_GRUBENV_UPDATE), is not executable on Qubes. It must run as root (its
 * EUID check), hence sudo.
 */

/** The part of grub.cfg the stock Xen script wrote; ours must leave it byte for byte as it was. */
export function stockXenSection(cfg: string): string | null {
  const m =
    /### BEGIN \/etc\/grub\.d\/20_linux_xen ###\n([\s\S]*?)### END \/etc\/grub\.d\/20_linux_xen ###/.exec(
      cfg,
    );
  return m ? m[1]! : null;
}

export const sha256Text = (s: string): string => createHash('sha256').update(s).digest('hex');

export type GrubPreview =
  { readonly ok: true; readonly stock: string } | { readonly ok: false; readonly reason: string };

/** The stock entries grub2-mkconfig would write now, from the current /etc/default/grub and /boot. */
export async function previewStockEntries(sys: System): Promise<GrubPreview> {
  try {
    const r = await sys.run({ bin: BIN.grub2Mkconfig, args: [], privileged: true });
    const stock = stockXenSection(r.stdout);
    return stock === null
      ? { ok: false, reason: 'its output has no 20_linux_xen section' }
      : { ok: true, stock };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: msg.split('\n').filter(Boolean).slice(-2).join(' ').slice(0, 300) };
  }
}

/** Each config whose stock entries differ from what regeneration gives: the change, as a diff of those entries. */
export async function pendingGrubChanges(
  sys: System,
  configs: readonly string[],
  preview: GrubPreview,
): Promise<PendingGrub[]> {
  if (!preview.ok) return [];
  const out: PendingGrub[] = [];
  for (const path of configs) {
    if (!(await sys.stat(path))) continue;
    const current = stockXenSection(await sys.readText(path));
    if (current === null || current === preview.stock) continue;
    out.push({
      path,
      diff: unifiedDiff(`${path} (20_linux_xen)`, current, preview.stock),
      stockSha256: sha256Text(preview.stock),
    });
  }
  return out;
}
