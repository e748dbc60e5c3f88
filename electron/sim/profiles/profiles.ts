import type { QubesRelease } from '../../../shared/facts.js';
import type { SimPool, SimQube, SimState, SimVolume } from '../sim-state.js';

/**
 * Two realistic dom0s as a fresh install leaves them after a few months of use: the installer's LVM thin
 * layout (qubes_dom0/root, swap, vm-pool), the stock templates and service qubes, and their memory settings.
 */
export interface Profile {
  readonly name: string;
  readonly release: QubesRelease;
  readonly releaseLine: string;
  readonly fedora: number;
  readonly xen: string;
  /** dom0 kernels installed in /boot (installonly keeps several), newest first. */
  readonly kernels: readonly string[];
  /** The installer kernel version that leaks into GRUB_CMDLINE_LINUX on 4.2 (qubes-issues #8925). */
  readonly junkKernelTokens: string | null;
  readonly usbLine: string;
  readonly zramSwap: boolean;
  readonly templates: {
    readonly fedora: string;
    readonly debian: string;
    readonly whonixGw: string;
    readonly whonixWs: string;
  };
  readonly vmKernel: string;
}

export const PROFILES: Readonly<Record<string, Profile>> = {
  'qubes-4.2': {
    name: 'qubes-4.2',
    release: '4.2',
    releaseLine: 'Qubes release 4.2.4 (R4.2)',
    fedora: 37,
    xen: '4.17.5',
    kernels: ['6.6.63-1.qubes.fc37.x86_64', '6.6.48-1.qubes.fc37.x86_64'],
    junkKernelTokens: '6.1.62-1.qubes.fc37.x86_64 x86_64',
    usbLine: 'rd.qubes.hide_all_usb',
    zramSwap: false,
    templates: {
      fedora: 'fedora-40-xfce',
      debian: 'debian-12-xfce',
      whonixGw: 'whonix-gateway-17',
      whonixWs: 'whonix-workstation-17',
    },
    vmKernel: '6.6.63-1.fc37',
  },
  'qubes-4.3': {
    name: 'qubes-4.3',
    release: '4.3',
    releaseLine: 'Qubes release 4.3.0 (R4.3)',
    fedora: 41,
    xen: '4.19.3',
    kernels: ['6.12.59-1.qubes.fc41.x86_64', '6.12.47-1.qubes.fc41.x86_64'],
    junkKernelTokens: null,
    usbLine: 'usbcore.authorized_default=0',
    zramSwap: true,
    templates: {
      fedora: 'fedora-42-xfce',
      debian: 'debian-13-xfce',
      whonixGw: 'whonix-gateway-18',
      whonixWs: 'whonix-workstation-18',
    },
    vmKernel: '6.12.59-1.fc41',
  },
};

export const PROFILE_NAMES = Object.keys(PROFILES);

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function lvm(
  qube: string,
  volume: string,
  sizeBytes: number,
  usageBytes: number,
  o: Partial<SimVolume> = {},
): SimVolume {
  return {
    pool: 'vm-pool',
    vid: `qubes_dom0/vm-${qube}-${volume}`,
    sizeBytes,
    usageBytes,
    rw: true,
    snapOnStart: false,
    saveOnStop: true,
    source: null,
    revisionsToKeep: 2,
    ephemeral: false,
    ...o,
  };
}

function template(
  name: string,
  rootUsageGiB: number,
  label: string,
  props: Record<string, string> = {},
): SimQube {
  return {
    name,
    klass: 'TemplateVM',
    state: 'Halted',
    label,
    props: { memory: '400', maxmem: '4000', ...props },
    volumes: {
      root: lvm(name, 'root', 20 * GiB, Math.round(rootUsageGiB * GiB)),
      private: lvm(name, 'private', 2 * GiB, 60 * MiB),
      volatile: lvm(name, 'volatile', 10 * GiB, 0, { saveOnStop: false, revisionsToKeep: 0 }),
    },
    features: { 'template-name': name },
  };
}

function appvm(
  name: string,
  tpl: SimQube,
  label: string,
  state: SimQube['state'],
  privUsageMiB: number,
  props: Record<string, string> = {},
): SimQube {
  return {
    name,
    klass: 'AppVM',
    state,
    label,
    props: { template: tpl.name, ...props },
    volumes: {
      root: {
        ...tpl.volumes.root!,
        vid: `${tpl.volumes.root!.vid}-snap-${name}`,
        snapOnStart: true,
        saveOnStop: false,
        source: `${tpl.name}:root`,
        usageBytes: 0,
      },
      private: lvm(name, 'private', 2 * GiB, privUsageMiB * MiB),
      volatile: lvm(name, 'volatile', 10 * GiB, 0, { saveOnStop: false, revisionsToKeep: 0 }),
    },
    features: {},
  };
}

function dispvm(
  name: string,
  dvm: SimQube,
  label: string,
  state: SimQube['state'],
  props: Record<string, string> = {},
): SimQube {
  return {
    name,
    klass: 'DispVM',
    state,
    label,
    props: { template: dvm.name, ...props },
    volumes: {
      root: { ...dvm.volumes.root! },
      private: {
        ...dvm.volumes.private!,
        vid: `${dvm.volumes.private!.vid}-snap-${name}`,
        snapOnStart: true,
        saveOnStop: false,
        source: `${dvm.name}:private`,
      },
      volatile: lvm(name, 'volatile', 10 * GiB, 0, { saveOnStop: false, revisionsToKeep: 0 }),
    },
    features: {},
  };
}

export function profileState(p: Profile): SimState {
  const t = p.templates;
  const fedora = template(t.fedora, 5.1, 'black');
  const debian = template(t.debian, 4.3, 'black');
  const wgw = template(t.whonixGw, 3.2, 'black', { memory: '512' });
  const wws = template(t.whonixWs, 4.6, 'black', { memory: '1024' });
  const defaultDvm = appvm('default-dvm', fedora, 'red', 'Halted', 90, { template_for_dispvms: 'True' });
  const wsDvm = appvm(`${t.whonixWs}-dvm`, wws, 'red', 'Halted', 70, { template_for_dispvms: 'True' });
  const mgmtDvm = appvm('default-mgmt-dvm', fedora, 'black', 'Halted', 40, {
    template_for_dispvms: 'True',
    netvm: '',
  });
  const qubes: SimQube[] = [
    {
      name: 'dom0',
      klass: 'AdminVM' as const,
      state: 'Running' as const,
      label: 'black',
      props: {},
      volumes: {},
      features: {},
    },
    fedora,
    debian,
    wgw,
    wws,
    defaultDvm,
    wsDvm,
    mgmtDvm,
    appvm('sys-net', fedora, 'red', 'Running', 120, {
      memory: '425',
      maxmem: '0',
      autostart: 'True',
      netvm: '',
      virt_mode: 'hvm',
    }),
    appvm('sys-firewall', fedora, 'green', 'Running', 95, {
      memory: '500',
      autostart: 'True',
      netvm: 'sys-net',
    }),
    dispvm('sys-usb', defaultDvm, 'red', 'Running', {
      memory: '300',
      maxmem: '0',
      autostart: 'True',
      netvm: '',
      virt_mode: 'hvm',
    }),
    appvm('sys-whonix', wgw, 'black', 'Running', 180, { autostart: 'True', netvm: 'sys-firewall' }),
    appvm('personal', fedora, 'yellow', 'Running', 3400),
    appvm('work', fedora, 'blue', 'Halted', 5200),
    appvm('untrusted', debian, 'red', 'Halted', 800),
    appvm('vault', fedora, 'black', 'Halted', 210, { netvm: '' }),
    appvm('anon-whonix', wws, 'red', 'Halted', 400, { netvm: 'sys-whonix' }),
    // 4.3 only: a qube on another host, relayed through a local one (qubes-core-admin release4.3
    // qubes/vm/remotevm.py): no volumes, no memory, always "Running".
    ...(p.release === '4.3'
      ? [
          {
            name: 'remote-vault',
            klass: 'RemoteVM' as const,
            state: 'Running' as const,
            label: 'black',
            props: { relayvm: 'sys-net', remote_name: 'vault' },
            volumes: {},
            features: {},
          },
        ]
      : []),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const pools: SimPool[] = [
    {
      name: 'linux-kernel',
      driver: 'linux-kernel',
      config: { driver: 'linux-kernel', dir_path: '/var/lib/qubes/vm-kernels' },
    },
    {
      name: 'varlibqubes',
      driver: 'file',
      config: {
        driver: 'file',
        dir_path: '/var/lib/qubes',
        revisions_to_keep: '1',
        ephemeral_volatile: 'False',
      },
    },
    {
      name: 'vm-pool',
      driver: 'lvm_thin',
      config: {
        driver: 'lvm_thin',
        volume_group: 'qubes_dom0',
        thin_pool: 'vm-pool',
        revisions_to_keep: '2',
        ephemeral_volatile: 'False',
      },
    },
  ];
  return {
    format: 'qubes-stateless-sim/1',
    profile: p.name,
    release: p.release,
    host: {
      totalMiB: 32614,
      freeMiB: 1187,
      xenVersion: p.xen,
      xenCmdline: `placeholder console=none dom0_mem=min:1024M dom0_mem=max:4096M ucode=scan smt=off gnttab_max_frames=2048 gnttab_max_maptrack_frames=4096 no-real-mode edd=off`,
      hostname: 'dom0',
      nrCpus: 8,
    },
    dom0: { currentMiB: 4095, vcpus: 8 },
    sudo: 'allowed',
    mounts: [
      {
        target: '/',
        source: '/dev/mapper/qubes_dom0-root',
        fsType: 'ext4',
        options: 'rw,relatime,discard',
        sizeBytes: 20957446144,
        baseUsedBytes: Math.round(7.2 * GiB),
      },
      {
        target: '/boot',
        source: '/dev/nvme0n1p2',
        fsType: 'ext4',
        options: 'rw,relatime,discard',
        sizeBytes: 1006632960,
        baseUsedBytes: 214 * MiB,
      },
      {
        target: '/boot/efi',
        source: '/dev/nvme0n1p1',
        fsType: 'vfat',
        options:
          'rw,relatime,fmask=0077,dmask=0077,codepage=437,iocharset=ascii,shortname=winnt,errors=remount-ro',
        sizeBytes: 629145600,
        baseUsedBytes: 18 * MiB,
      },
    ],
    qubes,
    pools,
    prefs: {
      clockvm: 'sys-net',
      default_dispvm: 'default-dvm',
      default_kernel: p.vmKernel,
      default_netvm: 'sys-firewall',
      default_pool: 'vm-pool',
      default_template: fedora.name,
      management_dispvm: 'default-mgmt-dvm',
      updatevm: 'sys-firewall',
    },
    zramDevices: [],
    missingBinaries: [],
    failures: [],
  };
}
