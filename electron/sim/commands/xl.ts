import type { SimCommand } from './sim-command.js';
import { fail, ok } from './sim-command.js';

/** `xl info` and `xl list 0` in the formats of xen tools/xl (key padded to 23 columns, "key : value"). */
export const xl: SimCommand = {
  requiresRoot: true,
  run(ctx, args) {
    const { host, dom0 } = ctx.state;
    if (args[0] === 'info' && args.length === 1) {
      const [major, minor, ...extra] = host.xenVersion.split('.');
      const rows: [string, string | number][] = [
        ['host', host.hostname],
        ['release', '6.6.63-1.qubes.fc37.x86_64'],
        ['machine', 'x86_64'],
        ['nr_cpus', host.nrCpus],
        ['max_cpu_id', host.nrCpus - 1],
        ['nr_nodes', 1],
        ['cores_per_socket', host.nrCpus / 2],
        ['threads_per_core', 1],
        ['cpu_mhz', '2803.202'],
        ['virt_caps', 'pv hvm hvm_directio pv_directio hap shadow iommu_hap_pt_share vmtrace gnttab-v1'],
        ['total_memory', host.totalMiB],
        ['free_memory', host.freeMiB],
        ['sharing_freed_memory', 0],
        ['sharing_used_memory', 0],
        ['outstanding_claims', 0],
        ['free_cpus', 0],
        ['xen_major', major ?? '4'],
        ['xen_minor', minor ?? '0'],
        ['xen_extra', extra.length ? `.${extra.join('.')}` : ''],
        ['xen_version', host.xenVersion],
        ['xen_caps', 'xen-3.0-x86_64 hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64'],
        ['xen_scheduler', 'credit2'],
        ['xen_pagesize', 4096],
        ['platform_params', 'virt_start=0xffff800000000000'],
        ['xen_changeset', ''],
        ['xen_commandline', host.xenCmdline],
        ['cc_compiler', 'gcc (GCC) 12.3.1 20230508 (Red Hat 12.3.1-1)'],
        ['xend_config_format', 4],
      ];
      return ok(rows.map(([k, v]) => `${k.padEnd(23)}: ${v}`).join('\n') + '\n');
    }
    if (args[0] === 'list' && args.length === 2 && args[1] === '0') {
      const head = 'Name                                        ID   Mem VCPUs\tState\tTime(s)';
      const row = `${'Domain-0'.padEnd(40)}${'0'.padStart(5)}${String(dom0.currentMiB).padStart(6)}${String(dom0.vcpus).padStart(6)}     r-----    4821.3`;
      return ok(`${head}\n${row}\n`);
    }
    return fail('xl', `unsupported in the simulator: xl ${args.join(' ')}`, 1);
  },
};
