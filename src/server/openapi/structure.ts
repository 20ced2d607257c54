import type { OpenApiDocument } from './document.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Param {
  readonly name?: string;
  readonly in?: string;
  readonly required?: boolean;
  readonly $ref?: string;
}

/**
 * Structural problems of an OpenAPI 3.1 document, as sentences (empty: none found): the version,
 * path parameters declared both ways and required, unique operationIds, responses present, known tags
 * and security schemes (and OAuth scopes), and every `$ref` resolving inside the document. Not a full
 * JSON Schema validation of the document: that needs the official schema (a validator package).
 */
export function structuralProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  if (!/^3\.1\.\d+$/.test(String(doc.openapi))) problems.push(`openapi is '${String(doc.openapi)}', not 3.1.x`);
  if (!doc.info?.title || !doc.info?.version) problems.push('info.title and info.version are required');
  const tags = new Set((doc.tags ?? []).map((t) => t.name));
  const schemes = (doc.components?.securitySchemes ?? {}) as Record<
    string,
    { type?: string; flows?: Record<string, { scopes?: Record<string, string> }> }
  >;
  const ids = new Map<string, string>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/')) problems.push(`path '${path}' does not start with /`);
    const inPath = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    for (const method of METHODS) {
      const op = (item as Record<string, Record<string, unknown> | undefined>)[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const params = (op.parameters ?? []) as Param[];
      const declared = params.filter((p) => p.in === 'path');
      for (const name of inPath) {
        const p = declared.find((d) => d.name === name);
        if (!p) problems.push(`${where}: path parameter '${name}' is not declared`);
        else if (p.required !== true) problems.push(`${where}: path parameter '${name}' must be required`);
      }
      for (const p of declared)
        if (!inPath.includes(p.name ?? ''))
          problems.push(`${where}: parameter '${p.name}' is declared in path but the path has no {${p.name}}`);
      const seen = new Set<string>();
      for (const p of params) {
        const key = `${p.in}:${p.name}`;
        if (seen.has(key)) problems.push(`${where}: parameter '${p.name}' in ${p.in} is declared twice`);
        seen.add(key);
      }
      const id = op.operationId as string | undefined;
      if (!id) problems.push(`${where}: no operationId`);
      else if (ids.has(id)) problems.push(`${where}: operationId '${id}' is also used by ${ids.get(id)}`);
      else ids.set(id, where);
      if (!op.responses || Object.keys(op.responses).length === 0) problems.push(`${where}: no responses`);
      for (const t of (op.tags ?? []) as string[])
        if (!tags.has(t)) problems.push(`${where}: tag '${t}' is not listed in tags`);
      for (const requirement of (op.security ?? []) as Record<string, string[]>[]) {
        for (const [name, scopes] of Object.entries(requirement)) {
          const scheme = schemes[name];
          if (!scheme) problems.push(`${where}: security scheme '${name}' is not defined`);
          else if (scheme.type === 'oauth2') {
            const known = new Set(Object.values(scheme.flows ?? {}).flatMap((f) => Object.keys(f.scopes ?? {})));
            for (const s of scopes)
              if (!known.has(s)) problems.push(`${where}: scope '${s}' is not a scope of '${name}'`);
          }
        }
      }
    }
  }
  for (const ref of refsIn(doc))
    if (resolvePointer(doc, ref) === undefined) problems.push(`$ref '${ref}' does not resolve`);
  return problems;
}

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) refsIn(x, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsIn(v, out);
    }
  }
  return out;
}

/** A local JSON pointer (`#/components/schemas/X`); anything else does not resolve here. */
function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!node || typeof node !== 'object' || !(key in node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
