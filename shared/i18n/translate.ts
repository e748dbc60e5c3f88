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

type Params = Readonly<Record<string, string | number | boolean>>;
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
