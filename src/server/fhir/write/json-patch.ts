import { invalid, shown } from '../../../core/index.js';

/**
 * JSON Patch (RFC 6902, https://www.rfc-editor.org/rfc/rfc6902) as FHIR R4's patch interaction
 * takes it (https://hl7.org/fhir/R4/http.html#patch): `add`, `remove`, `replace`, `move`, `copy`
 * and `test`, applied in order to a copy; the input is never changed. Any failing operation
 * (a bad pointer, a missing target, a failed `test`) throws an 'invalid' error naming the
 * operation (`patch[2].path`), and nothing of the patch is applied.
 */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'move' | 'copy'; readonly from: string; readonly path: string };

type Json = Record<string, unknown>;
const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** The patch document checked for shape: an array of operations with the members each needs. */
export function parseJsonPatch(body: unknown): JsonPatchOperation[] {
  if (!Array.isArray(body)) throw invalid('a JSON Patch is an array of operations', { field: 'patch' });
  return body.map((raw, i) => {
    const at = `patch[${i}]`;
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw invalid('each operation is a JSON object', { field: at });
    const o = raw as Json;
    if (typeof o.op !== 'string' || !OPS.has(o.op))
      throw invalid(`op '${shown(o.op)}' is not one of add, remove, replace, move, copy, test`, { field: `${at}.op` });
    if (typeof o.path !== 'string') throw invalid('path is missing', { field: `${at}.path` });
    if ((o.op === 'move' || o.op === 'copy') && typeof o.from !== 'string')
      throw invalid(`${o.op} needs from`, { field: `${at}.from` });
    if ((o.op === 'add' || o.op === 'replace' || o.op === 'test') && !('value' in o))
      throw invalid(`${o.op} needs value`, { field: `${at}.value` });
    return o as JsonPatchOperation;
  });
}

export function applyJsonPatch<T>(document: T, operations: readonly JsonPatchOperation[]): T {
  let doc: unknown = structuredClone(document);
  operations.forEach((op, i) => {
    doc = applyOne(doc, op, `patch[${i}]`);
  });
  return doc as T;
}

function applyOne(doc: unknown, op: JsonPatchOperation, at: string): unknown {
  const path = pointer(op.path, `${at}.path`);
  switch (op.op) {
    case 'add':
      return add(doc, path, structuredClone(op.value), at);
    case 'remove':
      return remove(doc, path, at).doc;
    case 'replace': {
      get(doc, path, at);
      return add(remove(doc, path, at).doc, path, structuredClone(op.value), at);
    }
    case 'move': {
      const from = pointer(op.from, `${at}.from`);
      if (path.length > from.length && from.every((t, k) => path[k] === t))
        throw invalid(`cannot move '${op.from}' into itself`, { field: `${at}.from` });
      const taken = remove(doc, from, at);
      return add(taken.doc, path, taken.value, at);
    }
    case 'copy':
      return add(doc, path, structuredClone(get(doc, pointer(op.from, `${at}.from`), at)), at);
    case 'test':
      if (!equal(get(doc, path, at), op.value))
        throw invalid(`test failed: '${op.path}' is not the value given`, { field: `${at}.value` });
      return doc;
  }
}

/** RFC 6901 pointer → reference tokens (`~1` is `/`, `~0` is `~`). */
function pointer(text: string, field: string): string[] {
  if (text === '') return [];
  if (!text.startsWith('/')) throw invalid(`'${text}' is not a JSON Pointer (it must start with /)`, { field });
  return text
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function container(doc: unknown, path: readonly string[], at: string): unknown {
  let node = doc;
  for (const t of path.slice(0, -1)) node = child(node, t, path, at);
  return node;
}

function child(node: unknown, token: string, path: readonly string[], at: string): unknown {
  const missing = () => invalid(`'/${path.join('/')}' does not exist in the resource`, { field: `${at}.path` });
  if (Array.isArray(node)) {
    const i = index(token, node.length - 1, at);
    if (i === undefined) throw missing();
    return node[i];
  }
  if (node && typeof node === 'object' && Object.hasOwn(node, token)) return (node as Json)[token];
  throw missing();
}

/** An array index: digits without a leading zero, at most `max`; `-` (past the end) is undefined. */
function index(token: string, max: number, at: string): number | undefined {
  if (token === '-') return undefined;
  if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) > max)
    throw invalid(`'${token}' is not an index of the array (0 to ${max})`, { field: `${at}.path` });
  return Number(token);
}

function get(doc: unknown, path: readonly string[], at: string): unknown {
  let node = doc;
  for (const t of path) node = child(node, t, path, at);
  return node;
}

function add(doc: unknown, path: readonly string[], value: unknown, at: string): unknown {
  if (path.length === 0) return value;
  const parent = container(doc, path, at);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const i = index(last, parent.length, at) ?? parent.length;
    parent.splice(i, 0, value);
  } else if (parent && typeof parent === 'object') {
    (parent as Json)[last] = value;
  } else {
    throw invalid(`'/${path.slice(0, -1).join('/')}' is not an object or array`, { field: `${at}.path` });
  }
  return doc;
}

function remove(doc: unknown, path: readonly string[], at: string): { doc: unknown; value: unknown } {
  if (path.length === 0) throw invalid('cannot remove the whole resource', { field: `${at}.path` });
  const value = get(doc, path, at);
  const parent = container(doc, path, at);
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as Json)[last];
  return { doc, value };
}

/** Deep equality of JSON values (object key order does not matter). */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal((a as Json)[k], (b as Json)[k]));
}
