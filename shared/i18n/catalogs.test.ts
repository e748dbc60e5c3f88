import { describe, expect, it } from 'vitest';
import { CATALOGS, LANGUAGES, languageFromEnv, languageOf, type Catalog, type Language } from './catalogs.js';
import { formatBytesAsGiB, formatGiB, formatMiB } from './format-size.js';
import { pluralForm, translate } from './translate.js';
import { PROMPT_TIMEOUT } from '../choices.js';
import { QUBE_SHUTDOWN_TIMEOUT_SEC } from '../contracts.js';
import { MAX_QUBE_NAME } from '../qube-names.js';

/**
 * The three catalogues say the same things: the same keys in the same order as English, every plural form a
 * language needs, the same placeholders, sentences that start with a capital. A failure names the keys.
 */
const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;
const baseOf = (key: string) => key.replace(PLURAL_SUFFIX, '');

/** Every dotted key that leads to words, in file order. */
function leaves(node: unknown, prefix = ''): [string, string][] {
  if (typeof node === 'string') return [[prefix, node]];
  return Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
    leaves(v, prefix ? `${prefix}.${k}` : k),
  );
}
const entries = (lang: Language) => leaves(CATALOGS[lang]);
const EN = new Map(entries('en'));

/** Keys with plural forms in English, each with the forms it has. */
function pluralBases(catalog: Catalog): Map<string, string[]> {
  const bases = new Map<string, string[]>();
  for (const [k] of leaves(catalog)) {
    const m = PLURAL_SUFFIX.exec(k);
    if (m) bases.set(baseOf(k), [...(bases.get(baseOf(k)) ?? []), m[1]!]);
  }
  return bases;
}

/** `{{name}}` and `{{name, format}}` as written (the format is part of it: a size must stay a size). */
const placeholders = (text: string) =>
  new Set([...text.matchAll(/\{\{([^}]+)\}\}/g)].map((m) => m[1]!.replace(/\s+/g, ' ').trim()));
const sorted = (s: Iterable<string>) => [...s].sort();

/** The plural categories a language's integers fall into, each with the integers 0…1000 it covers. */
function integerCategories(lang: Language): Map<string, number[]> {
  const cats = new Map<string, number[]>();
  for (let n = 0; n <= 1000; n++) {
    const c = pluralForm(lang, n);
    cats.set(c, [...(cats.get(c) ?? []), n]);
  }
  return cats;
}

const STARTS_UPPER = /^\p{Lu}/u;
/**
 * A capital, a digit, a placeholder, a path, a quote, or a name that is always written in lower case (dom0, a
 * program or option: "qubes-stateless", "sudo", "grub2-mkconfig", "dom0_mem=max").
 */
const LOWER_NAMES =
  /^(dom0|qubes-stateless|qubes-prefs|qvm-|sudo|grub|xfsprogs|doctor|zram|tmpfs|rpm|systemd|default_dispvm)/;
const startsLikeASentence = (s: string) => /^[\p{Lu}\d{/"„«(]/u.test(s) || LOWER_NAMES.test(s);

/**
 * Words that are put inside another sentence (a reason after "field:", a verdict in parentheses, a log line's
 * detail) stay in lower case; everything else that is a sentence starts with a capital.
 */
const FRAGMENTS = [
  /^ram\.verdict\./,
  /^ram\.ratio\./,
  /^verify\./,
  /^session\./,
  /^choice\.schema\./,
  /^choice\.nothingToDo$/,
  /^nav\.waitingForFacts$/,
  // The CLI's column labels and argparse's own words ("usage:", "prog: error:"), lower case as qvm-* tools print
  // them; the simulated notice follows "qubes-stateless: ".
  /^cli\.report\.(bootMode|hostMemory|rootFs|swap|kernels|pools|qubes|forumInstall)$/,
  /^cli\.(error|help\.usage|simulated)$/,
];

describe.each(LANGUAGES.filter((l) => l !== 'en'))('the %s catalogue', (lang) => {
  const own = entries(lang);
  const ownKeys = new Map(own);

  it('has every key of English and no other (plural forms aside), in the same order', () => {
    const enBases = new Set([...EN.keys()].map(baseOf));
    const ownBases = new Set([...ownKeys.keys()].map(baseOf));
    expect(sorted([...enBases].filter((k) => !ownBases.has(k))), `keys missing in ${lang}.json`).toEqual([]);
    expect(
      sorted([...ownBases].filter((k) => !enBases.has(k))),
      `keys in ${lang}.json but not en.json`,
    ).toEqual([]);
    const order = (keys: Iterable<string>) => [...new Set([...keys].map(baseOf))];
    expect(order(ownKeys.keys()), `${lang}.json in en.json's order`).toEqual(order(EN.keys()));
  });

  it('has plural forms exactly where English has them, and every form the language needs', () => {
    const enPlurals = pluralBases(CATALOGS.en);
    const ownPlurals = pluralBases(CATALOGS[lang]);
    expect(sorted(ownPlurals.keys()), `keys with plural forms in ${lang}.json`).toEqual(
      sorted(enPlurals.keys()),
    );
    const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories.filter((c) => c !== 'zero');
    const lacking = [...ownPlurals].flatMap(([base, forms]) =>
      needed.filter((c) => !forms.includes(c)).map((c) => `${base}_${c}`),
    );
    expect(lacking, `plural forms ${lang} needs`).toEqual([]);
    const plainInOwn = [...enPlurals.keys()].filter((b) => ownKeys.has(b));
    expect(plainInOwn, 'a plural key also written without a form').toEqual([]);
  });

  it('uses the placeholders English uses, and says the count in every form that covers several numbers', () => {
    const enSets = new Map<string, Set<string>>();
    for (const [k, v] of EN)
      enSets.set(baseOf(k), new Set([...(enSets.get(baseOf(k)) ?? []), ...placeholders(v)]));
    const several = new Set(
      [...integerCategories(lang)].filter(([, numbers]) => numbers.length > 1).map(([c]) => c),
    );
    const differing: string[] = [];
    const countless: string[] = [];
    for (const [k, v] of own) {
      const expected = new Set([...(enSets.get(baseOf(k)) ?? [])].filter((p) => p !== 'count'));
      const found = new Set([...placeholders(v)].filter((p) => p !== 'count'));
      if (sorted(expected).join('|') !== sorted(found).join('|'))
        differing.push(`${k}: ${sorted(found).join(', ')} (English: ${sorted(expected).join(', ')})`);
      const form = PLURAL_SUFFIX.exec(k)?.[1];
      if (form && several.has(form) && !placeholders(v).has('count')) countless.push(k);
    }
    expect(differing, `placeholders in ${lang}.json`).toEqual([]);
    expect(countless, `forms of ${lang} that cover several numbers but do not say which`).toEqual([]);
  });

  it('starts a sentence with a capital where English does', () => {
    const lower = own.filter(([k, v]) => {
      const en = EN.get(k) ?? EN.get(`${baseOf(k)}_other`) ?? '';
      return STARTS_UPPER.test(en) && !FRAGMENTS.some((f) => f.test(k)) && !startsLikeASentence(v);
    });
    expect(
      lower.map(([k, v]) => `${k}: ${v}`),
      `${lang} strings that start in lower case`,
    ).toEqual([]);
  });
});

describe('the English catalogue', () => {
  it('starts every sentence with a capital', () => {
    const lower = [...EN].filter(
      ([k, v]) => /[.!?:]$/.test(v) && !FRAGMENTS.some((f) => f.test(k)) && !startsLikeASentence(v),
    );
    expect(lower.map(([k, v]) => `${k}: ${v}`)).toEqual([]);
  });

  it('writes no "(s)" plurals and no sizes by hand', () => {
    const byHand = [...EN]
      .filter(([k, v]) => !k.startsWith('units.') && /\(s\)|\(es\)|\}\} ?(MiB|GiB)\b/.test(v))
      .map(([k]) => k);
    expect(byHand).toEqual([]);
  });
});

/**
 * A number said with its noun is a plural key (README: "a count is a plural key … never '(s)'"), so English never
 * says "1 kernels". Caught in English's plain keys: `{{count}}` anywhere, or a placeholder without a format (a
 * size's `{{x, mib}}` carries its own unit) followed by a plural noun ("{{steps}} steps"). A sentence with two
 * counts composes `count.*` phrases instead ("{{tasks}}, {{ops}}").
 */
const NOT_NOUNS = new Set([
  'is',
  'was',
  'has',
  'does',
  'this',
  'holds',
  'takes',
  'needs',
  'expects',
  'adds',
  'leaves',
  'remains',
  'becomes',
  'sets',
]);
/** Keys whose number is a constant or bounded above 1 (the test checks the bound), so "seconds" is always right. */
const NEVER_ONE: Readonly<Record<string, number>> = {
  'names.problem.too-long': MAX_QUBE_NAME,
  'mode.prompt.hint': PROMPT_TIMEOUT.min,
  'meaning.next.prompt': PROMPT_TIMEOUT.min,
  'apply.next.prompt': PROMPT_TIMEOUT.min,
  'shutdown.body': QUBE_SHUTDOWN_TIMEOUT_SEC,
};
const countedByHand = (key: string, text: string): boolean =>
  !PLURAL_SUFFIX.test(key) &&
  (/\{\{\s*count\s*[,}]/.test(text) ||
    [...text.matchAll(/\{\{\s*\w+\s*\}\}\)? ([a-z]+s)\b/g)].some(
      ([, word]) => word!.length > 2 && !NOT_NOUNS.has(word!),
    ));

describe('counts in English', () => {
  it('are plural keys, never a number beside a noun in a plain key', () => {
    const byHand = [...EN].filter(([k, v]) => !(k in NEVER_ONE) && countedByHand(k, v)).map(([k]) => k);
    expect(byHand).toEqual([]);
    for (const [key, least] of Object.entries(NEVER_ONE)) expect(least, key).toBeGreaterThan(1);
  });

  it('the check catches what it is for', () => {
    expect(countedByHand('a', '{{freeMiB, gib}} free, {{kernels}} kernels')).toBe(true);
    expect(countedByHand('a', '{{count}} qubes, {{templates}} templates')).toBe(true);
    expect(countedByHand('a', 'Command output ({{lines}} lines)')).toBe(true);
    expect(countedByHand('a', '{{ok}} ok, {{warn}} warnings, {{problem}} problems')).toBe(true);
    expect(countedByHand('a_other', '{{count}} kernels')).toBe(false);
    expect(countedByHand('a', '{{path}} is missing.')).toBe(false);
    expect(countedByHand('a', '{{used, mib}} holds')).toBe(false);
  });

  it('read right for one and for several', () => {
    const en = (key: string, params: Record<string, string | number>) => translate(key, params, 'en');
    expect(en('facts.bootValue', { freeMiB: 1024, count: 1 })).toBe('1.0 GiB free, 1 kernel');
    expect(
      en('facts.qubesValue', {
        qubes: en('count.qubes', { count: 1 }),
        templates: en('count.templates', { count: 2 }),
        running: 1,
      }),
    ).toBe('1 qube, 2 templates, 1 running');
    expect(en('run.log', { count: 1 })).toBe('Command output (1 line)');
    expect(en('apply.success.detail', { count: 1, id: 'x' })).toBe(
      'The one step is done and verified (transaction x).',
    );
    expect(en('confirmChange.rollback.detail', { count: 1 })).toBe(
      'Every file and setting returns to how it was before the install (1 conflict resolved as you chose).',
    );
    expect(translate('confirmChange.rollback.detail', { count: 2 }, 'de')).toBe(
      'Jede Datei und jede Einstellung wird wieder so, wie sie vor der Installation war (2 Konflikte nach Ihrer Wahl gelöst).',
    );
    expect(translate('count.qubes', { count: 5 }, 'ru')).toBe('5 кубов');
    expect(translate('count.qubes', { count: 22 }, 'ru')).toBe('22 куба');
  });
});

describe('translate', () => {
  it('picks the language from LC_ALL, then LC_MESSAGES, then LANG', () => {
    expect(languageFromEnv({})).toBe('en');
    expect(languageFromEnv({ LANG: 'C' })).toBe('en');
    expect(languageFromEnv({ LANG: 'POSIX' })).toBe('en');
    expect(languageFromEnv({ LANG: 'C.UTF-8' })).toBe('en');
    expect(languageFromEnv({ LANG: 'de_DE.UTF-8' })).toBe('de');
    expect(languageFromEnv({ LANG: 'ru_RU.UTF-8' })).toBe('ru');
    expect(languageFromEnv({ LANG: 'fr_FR.UTF-8' })).toBe('en');
    expect(languageFromEnv({ LC_MESSAGES: 'ru_RU.UTF-8', LANG: 'de_DE.UTF-8' })).toBe('ru');
    expect(languageFromEnv({ LC_ALL: 'C', LC_MESSAGES: 'ru_RU.UTF-8', LANG: 'de_DE.UTF-8' })).toBe('en');
    expect(languageFromEnv({ LC_ALL: '', LC_MESSAGES: 'de_AT@euro' })).toBe('de');
    expect(languageOf('de-CH')).toBe('de');
    expect(languageOf('ru')).toBe('ru');
    expect(languageOf(undefined)).toBe('en');
  });

  it('chooses the plural form as Intl.PluralRules does', () => {
    const ru = (count: number) => translate('verify.inPlace', { count }, 'ru');
    expect(ru(1)).toBe('1 изменение на месте');
    expect(ru(2)).toBe('2 изменения на месте');
    expect(ru(5)).toBe('5 изменений на месте');
    expect(ru(11)).toBe('11 изменений на месте');
    expect(ru(21)).toBe('21 изменение на месте');
    expect(ru(22)).toBe('22 изменения на месте');
    expect(translate('verify.inPlace', { count: 1 }, 'de')).toBe('1 Änderung ist wirksam');
    expect(translate('verify.inPlace', { count: 2 }, 'de')).toBe('2 Änderungen sind wirksam');
    expect(translate('verify.inPlace', { count: 1 }, 'en')).toBe('1 change in place');
    expect(translate('verify.inPlace', { count: 0 }, 'en')).toBe('0 changes in place');
    expect(translate('status.rollback.cleanKept', { count: 1 }, 'en')).toBe(
      'Every file and setting is as before the install, except the item you chose to keep.',
    );
  });

  it('speaks English by default and falls back to English for a key a language lacks', () => {
    expect(translate('nav.back')).toBe('Back');
    expect(translate('nav.back', {}, 'de')).toBe('Zurück');
    expect(translate('nav.back', {}, 'ru')).toBe('Назад');
    expect(translate('no.such.key', {}, 'ru')).toBe('no.such.key');
  });

  it('writes sizes in the placeholders in the language’s style', () => {
    const params = { freeMiB: 7373, neededMiB: 250 };
    expect(translate('preconditions.boot-space.ok', params, 'en')).toBe(
      '7,373 MiB free in /boot (250 MiB needed).',
    );
    expect(translate('preconditions.boot-space.ok', params, 'de')).toBe(
      '7.373 MiB frei in /boot (250 MiB gebraucht).',
    );
    expect(translate('preconditions.boot-space.ok', params, 'ru')).toBe(
      'Свободно в /boot: 7\u00a0373 МиБ (нужно 250 МиБ).',
    );
  });
});

describe('the size formatter', () => {
  it('writes whole MiB with the locale’s grouping', () => {
    expect(formatMiB(32614, 'en')).toBe('32,614 MiB');
    expect(formatMiB(32614, 'de')).toBe('32.614 MiB');
    expect(formatMiB(32614, 'ru')).toBe('32\u00a0614 МиБ');
    expect(formatMiB(999.6, 'en')).toBe('1,000 MiB');
    expect(formatMiB(512, 'de')).toBe('512 MiB');
  });

  it('writes GiB with one decimal and the locale’s decimal mark', () => {
    expect(formatGiB(1536, 'en')).toBe('1.5 GiB');
    expect(formatGiB(1536, 'de')).toBe('1,5 GiB');
    expect(formatGiB(1536, 'ru')).toBe('1,5 ГиБ');
    expect(formatGiB(32614, 'en')).toBe('31.8 GiB');
    expect(formatGiB(2048, 'de')).toBe('2,0 GiB');
    expect(formatBytesAsGiB(20 * 1024 ** 3, 'en')).toBe('20.0 GiB');
    expect(formatBytesAsGiB(1.25 * 1024 ** 4, 'de')).toBe('1.280,0 GiB');
  });
});
