/**
 * A fast path for search-value extraction: most search parameters of a type read elements that a
 * given resource does not have (Observation.focus, meta.security, Claim.payee…), and evaluating their
 * FHIRPath costs as much as for the ones it has. When an expression is a union of paths from the
 * resource root made of element steps and filters only (`as`, `as()`, `ofType()`, `where(…)`: each
 * keeps some of its input, whatever its criteria), it is empty on a resource where no path's element
 * steps lead anywhere; `pathsOf` gives those steps and `mayHold` follows them through the JSON, so the
 * caller skips the evaluation without changing what it would return.
 */

const WHERE = /\.where\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)/g;
/** One path: elements, at most one `as`/`ofType`, then elements of that; in parentheses or not. */
const TERM =
  /^\(?([A-Za-z]+)((?:\.[a-z][A-Za-z0-9]*)+)(?:\.(?:as|ofType)\([A-Za-z]+\)| as [A-Za-z]+)?\)?((?:\.[a-z][A-Za-z0-9]*)*)$/;

/** The element steps of each path of an expression, or undefined when it may hold values without them. */
export function pathsOf(resourceType: string, expression: string): readonly (readonly string[])[] | undefined {
  const paths: string[][] = [];
  // Criteria of where(…) are dropped: the steps after a filter are followed from every item, a superset.
  for (const term of expression.replace(WHERE, '').split(' | ')) {
    const m = TERM.exec(term);
    if (!m || m[1] !== resourceType) return undefined;
    paths.push(`${m[2]}${m[3]}`.slice(1).split('.'));
  }
  return paths;
}

/**
 * Whether following `path` from the resource reaches anything: a step matches the element, its
 * primitive extension (`_birthDate`) and, for a choice element, each typed name (`valueQuantity`).
 */
export function mayHold(resource: object, path: readonly string[]): boolean {
  let items: unknown[] = [resource];
  for (const step of path) {
    const next: unknown[] = [];
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      for (const [key, value] of Object.entries(item)) {
        if (!isElement(key.startsWith('_') ? key.slice(1) : key, step)) continue;
        if (Array.isArray(value)) next.push(...value);
        else next.push(value);
      }
    }
    if (next.length === 0) return false;
    items = next;
  }
  return true;
}

function isElement(name: string, step: string): boolean {
  if (!name.startsWith(step)) return false;
  if (name.length === step.length) return true;
  const c = name.charCodeAt(step.length);
  return c >= 65 && c <= 90;
}
