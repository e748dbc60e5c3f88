import { CATALOGS, lookup, type Language } from './catalogs.js';

/**
 * The one way sizes are written, in the GUI and the CLI: whole MiB for RAM figures, GiB with one decimal for
 * disks and hosts, digits grouped and the decimal mark set by the locale (Intl.NumberFormat), the unit from the
 * language's catalogue ("7,373 MiB", "1,5 GiB", "7 373 МиБ").
 */
const formats = new Map<string, Intl.NumberFormat>();
function number(value: number, lang: Language, fractionDigits: number): string {
  const id = `${lang}/${fractionDigits}`;
  let f = formats.get(id);
  if (!f) {
    f = new Intl.NumberFormat(lang, {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    });
    formats.set(id, f);
  }
  return f.format(value);
}

const unit = (lang: Language, key: 'mib' | 'gib', value: string) =>
  (lookup(CATALOGS[lang], `units.${key}`) ?? `{{value}} ${key === 'mib' ? 'MiB' : 'GiB'}`).replace(
    '{{value}}',
    value,
  );

/** A figure in MiB, rounded to whole MiB. */
export const formatMiB = (mib: number, lang: Language): string => unit(lang, 'mib', number(mib, lang, 0));

/** A figure in MiB, written in GiB with one decimal. */
export const formatGiB = (mib: number, lang: Language): string =>
  unit(lang, 'gib', number(mib / 1024, lang, 1));

/** A figure in bytes, written in GiB with one decimal. */
export const formatBytesAsGiB = (bytes: number, lang: Language): string => formatGiB(bytes / 1024 ** 2, lang);

/** The size formats a catalogue may name in a placeholder: "{{freeMiB, mib}}", "{{hostMiB, gib}}". */
export const SIZE_FORMATS = { mib: formatMiB, gib: formatGiB } as const;
export type SizeFormat = keyof typeof SIZE_FORMATS;
export const isSizeFormat = (s: string): s is SizeFormat => s in SIZE_FORMATS;
