import en from './en.json' with { type: 'json' };

/**
 * The English catalogue, used by the renderer (through i18next) and by the CLI (through `translate`), so the
 * two never word the same message differently. Keys are dotted paths; `{{name}}` is replaced by params.name.
 */
export const EN_CATALOG: Readonly<Record<string, unknown>> = en;

export function lookup(catalog: Readonly<Record<string, unknown>>, key: string): string | null {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null || !(part in node)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : null;
}

export function translate(
  key: string,
  params: Readonly<Record<string, string | number | boolean>> = {},
  catalog = EN_CATALOG,
): string {
  const text = lookup(catalog, key) ?? key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, k: string) => (k in params ? String(params[k]) : `{{${k}}}`));
}

type Translate = (key: string, params: Readonly<Record<string, string | number | boolean>>) => string;

/**
 * A precondition as one sentence. A `reason` param is the i18n key of why it failed (the RAM model's verdict);
 * its text goes into the sentence as `reasonText`, so the Review screen and `plan` both say why, not only that.
 */
export function preconditionText(
  p: {
    readonly id: string;
    readonly ok: boolean;
    readonly params: Readonly<Record<string, string | number>>;
  },
  t: Translate,
): string {
  const reason = p.params.reason;
  const params =
    typeof reason === 'string' && reason ? { ...p.params, reasonText: t(reason, p.params) } : p.params;
  return t(`preconditions.${p.id}.${p.ok ? 'ok' : 'fail'}`, params);
}
