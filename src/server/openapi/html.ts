import type { OpenApiDocument } from './document.js';

/** The stylesheet the page links to (served at /api/docs.css: no inline style, so a strict CSP holds). */
export const DOCS_CSS = `body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:72rem;margin:0 auto;padding:1rem 1.5rem;color:#1d2630}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #d8dee4;padding-bottom:.3rem;margin-top:2.5rem}
h3{margin:0;font-size:1rem;font-weight:600}
nav ul{columns:3;list-style:none;padding:0}nav li{break-inside:avoid}
code{background:#f1f3f5;padding:0 .25rem;border-radius:3px;font-size:.92em}
section.op{border:1px solid #d8dee4;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.method{display:inline-block;min-width:4rem;text-align:center;font:600 .8rem/1.6 ui-monospace,monospace;color:#fff;border-radius:3px;margin-right:.5rem;padding:0 .3rem}
.get{background:#2f6fb0}.post{background:#2e8540}.put{background:#a36a00}.patch{background:#7a4fb0}.delete{background:#b03030}.options{background:#5a6570}
.path{font:600 .95rem ui-monospace,monospace}
.who{color:#4a5561}.who strong{color:#1d2630}
table{border-collapse:collapse;width:100%;margin:.4rem 0}th,td{text-align:left;vertical-align:top;border-top:1px solid #e5e9ed;padding:.25rem .5rem}
th{font-weight:600;background:#f6f8fa}td.name{font-family:ui-monospace,monospace;white-space:nowrap}
.req{color:#b03030;font-size:.8rem}`;

type Json = Record<string, unknown>;
type Schema = Json & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  description?: string;
};
interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly description?: string;
  readonly schema?: Schema;
}
interface Operation {
  readonly operationId?: string;
  readonly summary?: string;
  readonly description?: string;
  readonly tags?: string[];
  readonly parameters?: Parameter[];
  readonly requestBody?: {
    readonly content?: Record<string, { readonly schema?: Schema }>;
    readonly description?: string;
  };
  readonly responses?: Record<string, { readonly description?: string }>;
  readonly security?: Record<string, string[]>[];
  readonly 'x-medseek-access'?: string;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'] as const;

/**
 * The readable page of the OpenAPI document, rendered on the server: operations grouped by tag, each
 * with its method, path, summary, who may call it, parameters and body fields. No script at all.
 */
export function renderDocsPage(doc: OpenApiDocument): string {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Schema>;
  const ops: { method: string; path: string; op: Operation }[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, Operation | undefined>)[method];
      if (op) ops.push({ method, path, op });
    }
  }
  const tags = (doc.tags ?? []).map((t) => ({ name: t.name, description: t.description ?? '' }));
  for (const { op } of ops)
    for (const t of op.tags ?? []) if (!tags.some((x) => x.name === t)) tags.push({ name: t, description: '' });
  const schemes = Object.entries(doc.components?.securitySchemes ?? {}) as unknown as [string, Json][];
  const oauth = new Set(schemes.filter(([, s]) => s.type === 'oauth2').map(([name]) => name));

  const sections = tags.map((tag) => {
    const mine = ops.filter((o) => (o.op.tags ?? []).includes(tag.name));
    return `<h2 id="${attr(anchor(tag.name))}">${esc(tag.name)}</h2>
${tag.description ? `<p>${prose(tag.description)}</p>` : ''}
${mine.map((o) => operationHtml(o.method, o.path, o.op, schemas, oauth)).join('\n')}`;
  });

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(doc.info.title)} ${esc(doc.info.version)}</title>
<link rel="stylesheet" href="/api/docs.css"></head>
<body>
<h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<p>${prose(doc.info.description ?? '')}</p>
<p>The machine-readable document (OpenAPI ${esc(doc.openapi)}): <a href="/openapi.json">/openapi.json</a>.</p>
<nav><h2>Contents</h2><ul>${tags.map((t) => `<li><a href="#${attr(anchor(t.name))}">${esc(t.name)}</a></li>`).join('')}<li><a href="#authentication">Authentication</a></li></ul></nav>
${sections.join('\n')}
<h2 id="authentication">Authentication</h2>
<table><thead><tr><th>Scheme</th><th>How</th></tr></thead><tbody>
${schemes.map(([name, s]) => `<tr><td class="name">${esc(name)}</td><td>${prose(String(s.description ?? ''))}</td></tr>`).join('\n')}
</tbody></table>
</body></html>
`;
}

function operationHtml(
  method: string,
  path: string,
  op: Operation,
  schemas: Record<string, Schema>,
  oauth: ReadonlySet<string>,
): string {
  const params = op.parameters ?? [];
  const body = op.requestBody?.content ? Object.entries(op.requestBody.content)[0] : undefined;
  const bodySchema = body?.[1].schema ? resolve(body[1].schema, schemas) : undefined;
  const fields = bodySchema?.properties ? Object.entries(bodySchema.properties) : [];
  return `<section class="op" id="${attr(op.operationId ?? `${method}-${path}`)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span><span class="path">${esc(path)}</span> — ${esc(op.summary ?? '')}</h3>
<p>${prose(op.description ?? '')}</p>
<p class="who"><strong>Who may call it:</strong> ${esc(op['x-medseek-access'] ?? '')}${op.security?.length ? ` <small>(${esc(schemeList(op.security, oauth))})</small>` : ''}</p>
${
  params.length
    ? `<table><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>
${params.map((p) => `<tr><td class="name">${esc(p.name)}${p.required ? ' <span class="req">required</span>' : ''}</td><td>${esc(p.in)}</td><td>${esc(typeOf(p.schema, schemas))}</td><td>${prose(p.description ?? p.schema?.description ?? '')}</td></tr>`).join('\n')}
</tbody></table>`
    : ''
}
${
  body
    ? `<p><strong>Body</strong> (<code>${esc(body[0])}</code>)${op.requestBody?.description ? `: ${prose(op.requestBody.description)}` : ''}${fields.length ? '' : ` — ${esc(typeOf(body[1].schema, schemas))}`}</p>
${
  fields.length
    ? `<table><thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>
${fields.map(([name, s]) => `<tr><td class="name">${esc(name)}${bodySchema?.required?.includes(name) ? ' <span class="req">required</span>' : ''}</td><td>${esc(typeOf(s, schemas))}</td><td>${prose(resolve(s, schemas).description ?? '')}</td></tr>`).join('\n')}
</tbody></table>`
    : ''
}`
    : ''
}
<table><thead><tr><th>Status</th><th>Answer</th></tr></thead><tbody>
${Object.entries(op.responses ?? {})
  .map(([status, r]) => `<tr><td class="name">${esc(status)}</td><td>${prose(r.description ?? '')}</td></tr>`)
  .join('\n')}
</tbody></table>
</section>`;
}

/** `bearer or session + csrf or smart patient/*.r`: the roles are said already; OAuth scopes are not. */
function schemeList(security: readonly Record<string, string[]>[], oauth: ReadonlySet<string>): string {
  return security
    .map((req) =>
      Object.entries(req)
        .map(([name, scopes]) => (oauth.has(name) && scopes.length ? `${name} ${scopes.join(' ')}` : name))
        .join(' + '),
    )
    .join(' or ');
}

function resolve(s: Schema, schemas: Record<string, Schema>): Schema {
  const name = s.$ref?.replace('#/components/schemas/', '');
  return name && schemas[name] ? schemas[name] : s;
}

/** A schema in a few words: `string, 1–2000 chars`, `one of zh, en`, `array of Resource`. */
export function typeOf(s: Schema | undefined, schemas: Record<string, Schema>): string {
  if (!s) return '';
  if (s.$ref) return s.$ref.replace('#/components/schemas/', '');
  if (s.enum) return `one of ${s.enum.map(String).join(', ')}`;
  if ('const' in s) return `exactly ${String(s.const)}`;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return alternatives.map((x) => typeOf(x, schemas)).join(' or ');
  const type = Array.isArray(s.type) ? s.type.join(' or ') : (s.type ?? 'any');
  if (type === 'array') return `array of ${typeOf(s.items, schemas) || 'any'}`;
  if (type === 'object' && s.properties && Object.keys(s.properties).length) {
    // `{type: bearer, token?}`: field names, `?` when optional, the value of a one-value enum (a discriminator).
    const fields = Object.entries(s.properties).map(
      ([name, p]) =>
        `${name}${s.required?.includes(name) ? '' : '?'}${p.enum?.length === 1 ? `: ${String(p.enum[0])}` : ''}`,
    );
    return `{${fields.join(', ')}}`;
  }
  const limits = [
    s.minLength !== undefined || s.maxLength !== undefined ? `${s.minLength ?? 0}–${s.maxLength ?? '…'} chars` : '',
    s.minimum !== undefined || s.maximum !== undefined ? `${s.minimum ?? '…'} to ${s.maximum ?? '…'}` : '',
    s.pattern ? `matching ${String(s.pattern)}` : '',
    s.format ? String(s.format) : '',
    s.default !== undefined ? `default ${JSON.stringify(s.default)}` : '',
  ].filter(Boolean);
  return limits.length ? `${type}, ${limits.join(', ')}` : type;
}

/** Escaped text with its `code` spans as <code>. */
function prose(s: string): string {
  return esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function anchor(tag: string): string {
  return `tag-${tag.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const attr = esc;
