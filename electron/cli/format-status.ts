import type { SystemFacts } from '../../shared/facts.js';
import { formatBytesAsGiB } from '../../shared/i18n/format-size.js';
import { currentLanguage } from '../../shared/i18n/translate.js';

const gib = (bytes: number) => formatBytesAsGiB(bytes, currentLanguage());

/** The human-readable `status` report. */
export function formatStatus(f: SystemFacts): string {
  const boot =
    f.bootMode.kind === 'persistent'
      ? 'persistent'
      : `stateless (${f.bootMode.mode}${f.bootMode.viaQubesStateless ? '' : ', not set up by qubes-stateless'})`;
  const lines = [
    `${f.simulated ? 'SIMULATED ' : ''}${f.releaseName}`,
    `boot mode:     ${boot}`,
    `host memory:   ${f.memory.totalMiB} MiB (Xen ${f.memory.xenVersion}), ${f.memory.freeMiB} MiB free`,
    `dom0 memory:   ${f.memory.dom0.currentMiB} MiB now; dom0_mem min ${f.memory.dom0.minMiB ?? '-'} / max ${f.memory.dom0.maxMiB ?? '-'} MiB`,
    `root fs:       ${f.rootFs.source} (${f.rootFs.fsType}), ${gib(f.rootFs.usedBytes)} used of ${gib(f.rootFs.sizeBytes)}`,
    `/boot:         ${gib(f.bootFs.availBytes)} free`,
    `swap:          ${f.swap.length ? f.swap.map((s) => `${s.device} (${Math.round(s.sizeKiB / 1024)} MiB)`).join(', ') : 'none'}`,
    `kernels:       ${f.kernels.map((k) => k.version).join(', ')}`,
    `pools:         ${f.pools.map((p) => `${p.name} (${p.driver})`).join(', ')}`,
    `qubes:         ${f.qubes.filter((q) => q.klass !== 'AdminVM').length} (${f.qubes.filter((q) => q.klass === 'TemplateVM').length} templates, ${f.qubes.filter((q) => q.state === 'Running' && q.klass !== 'AdminVM').length} running)`,
    ...(f.forumInstall
      ? [
          `forum install: ${f.forumInstall.family}, ${f.forumInstall.leftovers.length} leftovers (status --json lists each and its fate)`,
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
