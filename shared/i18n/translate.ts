import { CATALOGS, EN_CATALOG, lookup, type Catalog, type Language } from './catalogs.js';
import { isSizeFormat, SIZE_FORMATS } from './format-size.js';

export { EN_CATALOG, lookup };

/**
 * One catalogue per language, used by the renderer (through i18next) and by the CLI (through `translate`), so the
 * two never word the same message differently. Keys are dotted paths; `{{name}}` is replaced by params.name,
 * `{{name, mib}}` / `{{name, gib}}` by a size in the locale's style (format-size.ts). A key with a numeric
 * `count` has plural forms `key_one`, `key_few`, `key_many`, `key_other`, chosen by Intl.PluralRules as
 * i18next chooses them.
 */
let current: Language = 'en';

/** The language `translate` speaks when none is given (the CLI sets it from LC_ALL / LC_MESSAGES / LANG). */
export function setLanguage(lang: Language): void {
  current = lang;
}
export const currentLanguage = (): Language => current;

type Params = Readonly<Record<string, string | number | boolean>>;

const pluralRules = new Map<Language, Intl.PluralRules>();

/** The plural form Intl.PluralRules picks for `count` in `lang` ("one", "few", "many", "other"…). */
export function pluralForm(lang: Language, count: number): Intl.LDMLPluralRule {
  let rules = pluralRules.get(lang);
  if (!rules) pluralRules.set(lang, (rules = new Intl.PluralRules(lang)));
  return rules.select(count);
}

/** The words of a key in one catalogue, with its plural form for params.count. */
function wordsIn(catalog: Catalog, lang: Language, key: string, params: Params): string | null {
  const count = params.count;
  if (typeof count === 'number') {
    const plural =
      (count === 0 ? lookup(catalog, `${key}_zero`) : null) ??
      lookup(catalog, `${key}_${pluralForm(lang, count)}`) ??
      lookup(catalog, `${key}_other`);
    if (plural !== null) return plural;
  }
  return lookup(catalog, key);
}

/** Whether a key has words in a catalogue, as plain text or as plural forms (`key_one`, `key_other`…). */
export const hasWords = (key: string, catalog: Catalog = EN_CATALOG): boolean =>
  lookup(catalog, key) !== null || lookup(catalog, `${key}_other`) !== null;

/**
 * A fragment (a RAM verdict, worded to sit inside another sentence) shown on its own line starts with a capital,
 * in the language's own casing rules.
 */
export const asSentence = (text: string, lang: Language = current): string =>
  text.charAt(0).toLocaleUpperCase(lang) + text.slice(1);

/** Fills `{{name}}` and `{{name, format}}`; an unknown name stays as it is, so a missing param shows. */
export function interpolate(text: string, params: Params, lang: Language): string {
  return text.replace(/\{\{\s*(\w+)\s*(?:,\s*(\w+)\s*)?\}\}/g, (whole, k: string, format?: string) => {
    if (!(k in params)) return whole;
    const value = params[k]!;
    return format && isSizeFormat(format) && typeof value === 'number'
      ? SIZE_FORMATS[format](value, lang)
      : String(value);
  });
}

export function translate(key: string, params: Params = {}, lang: Language = current): string {
  const text = wordsIn(CATALOGS[lang], lang, key, params) ?? wordsIn(EN_CATALOG, 'en', key, params);
  return text === null ? key : interpolate(text, params, lang);
}

type Translate = (key: string, params: Params) => string;

/**
 * A `reason` param is the catalogue key of why something failed (a choice rule, the RAM model's verdict); its
 * text goes into the enclosing sentence as `reasonText`, so both say why, not only that. A reason that is not a
 * key (a sentence from an older journal or the simulator) is shown as it is.
 */
export function withReasonText<P extends Params>(params: P, t: Translate): P & { reasonText?: string } {
  const reason = params.reason;
  if (typeof reason !== 'string' || !reason) return params;
  return { ...params, reasonText: lookup(EN_CATALOG, reason) === null ? reason : t(reason, params) };
}

/** A precondition as one sentence, with the words of its `reason` (see withReasonText). */
export function preconditionText(
  p: {
    readonly id: string;
    readonly ok: boolean;
    readonly params: Readonly<Record<string, string | number>>;
  },
  t: Translate,
): string {
  return t(`preconditions.${p.id}.${p.ok ? 'ok' : 'fail'}`, withReasonText(p.params, t));
}

/** A message from the core in the catalogue's words (with its `reason`'s words, see withReasonText). */
export const messageText = (m: { readonly key: string; readonly params: Params }, t: Translate = translate) =>
  t(m.key, withReasonText(m.params, t));
