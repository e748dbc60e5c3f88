import de from './de.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };
import ru from './ru.json' with { type: 'json' };

/** The languages the app and the CLI speak; English is the source every other catalogue follows key for key. */
export const LANGUAGES = ['en', 'de', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself, for the language switch (never translated). */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  de: 'Deutsch',
  ru: 'Русский',
};

export type Catalog = Readonly<Record<string, unknown>>;
export const CATALOGS: Readonly<Record<Language, Catalog>> = { en, de, ru };
export const EN_CATALOG: Catalog = en;

export const isLanguage = (s: string): s is Language => (LANGUAGES as readonly string[]).includes(s);

/** A BCP 47 tag or a POSIX locale ("de-AT", "ru_RU.UTF-8", "C") as one of ours; anything else is English. */
export function languageOf(locale: string | undefined | null): Language {
  const base =
    (locale ?? '')
      .trim()
      .toLowerCase()
      .split(/[-_.@]/)[0] ?? '';
  return isLanguage(base) ? base : 'en';
}

/**
 * The language of a process from its environment, as gettext picks it: LC_ALL, then LC_MESSAGES, then LANG; the
 * first one that is set decides (C, POSIX or unset mean English).
 */
export function languageFromEnv(env: Readonly<Record<string, string | undefined>>): Language {
  const locale = [env.LC_ALL, env.LC_MESSAGES, env.LANG].find((v) => v !== undefined && v !== '');
  return languageOf(locale);
}

/** The words at a dotted key, or null. */
export function lookup(catalog: Catalog, key: string): string | null {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : null;
}
