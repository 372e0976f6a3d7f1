/**
 * Renders an HTTP integration's `form` the way Gorgias does: every string is a template where
 * `{{ticket.id}}`, `{{ticket.customer.email}}`, `{{message.body_text}}`… are replaced by the value at that
 * path; an object or list renders as Python's repr (Gorgias' templates run in Python), a missing value as
 * an empty string.
 */
export type TemplateContext = Record<string, unknown>;

/** Python repr of a JSON value: {'id': 1, 'ok': True, 'none': None}. */
export function pythonRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
  if (Array.isArray(v)) return `[${v.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${pythonRepr(k)}: ${pythonRepr(x)}`)
    .join(', ')}}`;
}

function lookup(ctx: TemplateContext, path: string): unknown {
  let cur: unknown = ctx;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function renderString(template: string, ctx: TemplateContext): string {
  return template.replace(/\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g, (_m, path: string) => {
    const v = lookup(ctx, path);
    if (v === null || v === undefined) return '';
    return typeof v === 'object' ? pythonRepr(v) : String(v);
  });
}

/** Renders every string inside `form` (objects and lists are walked; other values are kept). */
export function renderForm(form: unknown, ctx: TemplateContext): unknown {
  if (typeof form === 'string') return renderString(form, ctx);
  if (Array.isArray(form)) return form.map((x) => renderForm(x, ctx));
  if (form && typeof form === 'object') {
    return Object.fromEntries(Object.entries(form as Record<string, unknown>).map(([k, v]) => [k, renderForm(v, ctx)]));
  }
  return form;
}
