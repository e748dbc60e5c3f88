/**
 * What of a dom0's command output and files is about its user, and how doctor's report hides it. Every
 * replacement is consistent within a report (the same value always becomes the same placeholder), so what
 * refers to what still lines up — the LUKS UUID on the kernel command line and in /etc/default/grub, a qube's
 * name in qvm-ls and in its volume ids — and a simulated dom0 made from the report behaves like the machine.
 *
 * Always redacted: MAC and IP addresses; UUIDs (LUKS, filesystems, partitions, GRUB's --fs-uuid, qube uuids);
 * FAT volume ids (`UUID=ABCD-1234`) and LABEL=/PARTLABEL= values; /dev/disk/by-id names (disk models and
 * serials) and by-label/by-partlabel names; the host name (unless it is the stock "dom0"); home directories
 * and the user's name. With `anonymize`, qube names too, except those the installer creates (sys-net,
 * default-dvm, fedora-42-xfce…), which say nothing about the user. Labels (one of eight colours) are kept.
 */

export interface RedactorInput {
  /** Every qube name in the report (qvm-ls). */
  readonly qubeNames: readonly string[];
  /** Host names seen (xl info `host`, /etc/hostname). */
  readonly hostnames: readonly string[];
  /** The user running doctor (their name and home directory are redacted wherever they appear). */
  readonly username: string | null;
  readonly anonymize: boolean;
}

/** Names a Qubes installer or its Salt states create, stock templates included. */
const STOCK_QUBE =
  /^(dom0|sys-(net|firewall|usb|whonix|audio|gui|gui-gpu|gui-vnc)|default-(dvm|mgmt-dvm)|anon-whonix|personal|work|untrusted|vault|(fedora|debian|whonix-(gateway|workstation|gw|ws)|archlinux|kali)-\d+(-[a-z]+)*)$/;

/** Words a name can collide with in dom0 output; a qube so named keeps its name (it identifies no one). */
const VOCABULARY = new Set([
  'root',
  'private',
  'volatile',
  'kernel',
  'none',
  'default',
  'list',
  'info',
  'boot',
  'home',
  'user',
  'qubes',
  'linux',
  'xen',
  'swap',
  'grub',
  'lvm',
  'file',
  'pool',
  'name',
  'state',
  'label',
  'class',
  'template',
]);

const NAME_CHAR = 'A-Za-z0-9_.';
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A consistent value → placeholder map: the n-th distinct value gets `make(n)`. */
class Mapping {
  private readonly map = new Map<string, string>();
  constructor(private readonly make: (n: number) => string) {}
  get(value: string): string {
    const key = value.toLowerCase();
    let v = this.map.get(key);
    if (v === undefined) {
      v = this.make(this.map.size + 1);
      this.map.set(key, v);
    }
    return v;
  }
  get size() {
    return this.map.size;
  }
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

export class Redactor {
  private readonly uuid = new Mapping((n) => `00000000-0000-4000-8000-${hex(n, 12)}`);
  private readonly fatId = new Mapping((n) => `0000-${hex(n, 4).toUpperCase()}`);
  private readonly mac = new Mapping((n) => `02:00:00:00:${hex(n >> 8, 2)}:${hex(n & 255, 2)}`);
  private readonly ip4 = new Mapping((n) => `192.0.2.${n % 254 || 254}`);
  private readonly ip6 = new Mapping((n) => `2001:db8::${hex(n, 1)}`);
  private readonly label = new Mapping((n) => `label-${n}`);
  private readonly disk = new Mapping((n) => `disk-${n}`);
  /** Kept and replaced names alike, longest first: a kept "sys-net" is matched whole before a qube "net" is. */
  private readonly names: { re: RegExp; to: Map<string, string> } | null;
  private readonly host: RegExp | null;
  private readonly user: RegExp | null;
  /** Qube names replaced (anonymize), for the report's summary. */
  readonly replacedQubes: ReadonlyMap<string, string>;

  constructor(input: RedactorInput) {
    const names = [...new Set(input.qubeNames)].sort();
    const to = new Map<string, string>();
    if (input.anonymize) {
      const taken = new Set(names);
      let n = 0;
      for (const name of names) {
        if (STOCK_QUBE.test(name) || VOCABULARY.has(name.toLowerCase())) continue;
        let placeholder: string;
        do placeholder = `qube-${++n}`;
        while (taken.has(placeholder));
        taken.add(placeholder);
        to.set(name, placeholder);
      }
    }
    this.replacedQubes = to;
    this.names = to.size
      ? {
          re: new RegExp(
            `(?<![${NAME_CHAR}])(${[...names]
              .sort((a, b) => b.length - a.length)
              .map(escape)
              .join('|')})(?![${NAME_CHAR}])`,
            'g',
          ),
          to,
        }
      : null;
    const hosts = [
      ...new Set(input.hostnames.map((h) => h.trim()).filter((h) => h && h !== 'dom0' && h !== 'localhost')),
    ];
    this.host = hosts.length
      ? new RegExp(`(?<![${NAME_CHAR}-])(${hosts.map(escape).join('|')})(?![${NAME_CHAR}-])`, 'g')
      : null;
    const u = input.username;
    this.user =
      u && u.length >= 2 && !['root', 'user'].includes(u)
        ? new RegExp(`(?<![${NAME_CHAR}-])${escape(u)}(?![${NAME_CHAR}-])`, 'g')
        : null;
  }

  text(s: string): string {
    let out = s
      .replace(/\b[0-9a-f]{2}(?::[0-9a-f]{2}){5}\b/gi, (m) => this.mac.get(m))
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, (m) => this.uuid.get(m))
      .replace(
        /(?<![0-9a-f:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![0-9a-f:])|(?<![0-9a-f:])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?![0-9a-f:])/gi,
        (m) => (m === '::' ? m : this.ip6.get(m)),
      )
      .replace(/(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])/g, (m) =>
        m.startsWith('127.') || m === '0.0.0.0' ? m : this.ip4.get(m),
      )
      .replace(
        /(?:(?<![A-Za-z0-9_])|(?<=\\[nt]))UUID=([0-9A-Fa-f]{4}-[0-9A-Fa-f]{4})\b/g,
        (_, id: string) => `UUID=${this.fatId.get(id)}`,
      )
      // Values never take a backslash: text quoted inside JSON (a journal's file contents) has escapes such as \"
      // that a value must not swallow (a quoted value is its own alternative), and a line may start after an
      // escaped newline (\n), where \b sees no boundary.
      .replace(
        /(?:(?<![A-Za-z0-9_])|(?<=\\[nt]))(PART)?LABEL=(\\"[^"\\]*\\"|"[^"\n]*"|[^\s,"\\]+)/g,
        (_, part: string | undefined, v: string) => `${part ?? ''}LABEL=${this.label.get(v)}`,
      )
      .replace(
        /\/dev\/disk\/by-(id|label|partlabel)\/([^\s/"',\\]+)/g,
        (_, kind: string, v: string) => `/dev/disk/by-${kind}/${this.disk.get(v)}`,
      )
      .replace(/\/home\/[^\s/"':\\]+/g, '/home/user');
    if (this.host) out = out.replace(this.host, 'redacted-host');
    if (this.user) out = out.replace(this.user, 'user');
    if (this.names) {
      const { re, to } = this.names;
      out = out.replace(re, (m) => to.get(m) ?? m);
    }
    return out;
  }

  /** How many distinct values of each kind were replaced (the report says so; the values it never says). */
  summary(): Record<string, number> {
    return {
      uuids: this.uuid.size,
      fatIds: this.fatId.size,
      macs: this.mac.size,
      ipv4: this.ip4.size,
      ipv6: this.ip6.size,
      labels: this.label.size,
      disks: this.disk.size,
      qubeNames: this.replacedQubes.size,
    };
  }
}
