import type { SystemFacts } from '../../shared/facts.js';
import { translate } from '../../shared/i18n/translate.js';

// Sizes go to the catalogue in MiB; its `{{x, gib}}` writes them in the locale's style (format-size.ts).
const mib = (bytes: number) => bytes / 1024 ** 2;

/** The human-readable `status` report: a label and a value a line, both in the catalogue's words. */
export function formatStatus(f: SystemFacts): string {
  const boot =
    f.bootMode.kind === 'persistent'
      ? translate('cli.report.bootPersistent')
      : translate(
          f.bootMode.viaQubesStateless ? 'cli.report.bootStateless' : 'cli.report.bootStatelessOther',
          {
            mode: f.bootMode.mode,
          },
        );
  const others = f.qubes.filter((q) => q.klass !== 'AdminVM');
  const rows: [string, string][] = [
    ['bootMode', boot],
    [
      'hostMemory',
      translate('cli.report.hostMemoryValue', {
        total: f.memory.totalMiB,
        xen: f.memory.xenVersion,
        free: f.memory.freeMiB,
      }),
    ],
    [
      'dom0Memory',
      translate('cli.report.dom0MemoryValue', {
        now: f.memory.dom0.currentMiB,
        min: f.memory.dom0.minMiB ?? '-',
        max: f.memory.dom0.maxMiB ?? '-',
      }),
    ],
    [
      'rootFs',
      translate('cli.report.rootFsValue', {
        source: f.rootFs.source,
        fsType: f.rootFs.fsType,
        used: mib(f.rootFs.usedBytes),
        size: mib(f.rootFs.sizeBytes),
      }),
    ],
    ['bootFs', translate('cli.report.bootFsValue', { free: mib(f.bootFs.availBytes) })],
    [
      'swap',
      f.swap.length
        ? f.swap
            .map((s) =>
              translate('cli.report.swapDevice', { device: s.device, mib: Math.round(s.sizeKiB / 1024) }),
            )
            .join(', ')
        : translate('cli.report.none'),
    ],
    ['kernels', f.kernels.map((k) => k.version).join(', ')],
    ['pools', f.pools.map((p) => `${p.name} (${p.driver})`).join(', ')],
    [
      'qubes',
      translate('cli.report.qubesValue', {
        qubes: others.length,
        templates: translate('count.templates', {
          count: others.filter((q) => q.klass === 'TemplateVM').length,
        }),
        running: others.filter((q) => q.state === 'Running').length,
      }),
    ],
    ...(f.forumInstall
      ? [
          [
            'forumInstall',
            // The recipe in the catalogue's words, and whether it was moved into ours (as the Check screen says).
            translate(
              f.forumInstall.migrated ? 'cli.report.forumInstallMigrated' : 'cli.report.forumInstallValue',
              {
                family: translate(`forum.family.${f.forumInstall.family}`),
                count: f.forumInstall.leftovers.length,
              },
            ),
          ] as [string, string],
        ]
      : []),
  ];
  const labels = rows.map(([k]) => translate(`cli.report.${k}`));
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  return `${[
    f.simulated ? translate('cli.report.simulated', { release: f.releaseName }) : f.releaseName,
    ...rows.map(([, v], i) => `${labels[i]!.padEnd(width)}${v}`),
  ].join('\n')}\n`;
}
