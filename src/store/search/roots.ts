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
 * Depth first, stopping at the first path found (it runs for every parameter of every resource written).
 */
export function mayHold(resource: object, path: readonly string[]): boolean {
  return path.length === 0 || reaches(resource, path, 0);
}

function reaches(item: unknown, path: readonly string[], depth: number): boolean {
  if (!item || typeof item !== 'object') return false;
  const step = path[depth]!;
  const last = depth === path.length - 1;
  for (const key in item) {
    if (!isElement(key, key.charCodeAt(0) === 95 ? 1 : 0, step)) continue;
    const value = (item as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      if (last ? value.length > 0 : value.some((v) => reaches(v, path, depth + 1))) return true;
    } else if (last || reaches(value, path, depth + 1)) return true;
  }
  return false;
}

/** Whether `key` from `start` (past a primitive extension's `_`) names the element `step` or a typed choice of it. */
function isElement(key: string, start: number, step: string): boolean {
  if (!key.startsWith(step, start)) return false;
  const end = start + step.length;
  if (key.length === end) return true;
  const c = key.charCodeAt(end);
  return c >= 65 && c <= 90;
}

/**
 * Every first step that some key of the resource matches as `mayHold` matches it (`_birthDate` matches
 * `birthDate`, `valueQuantity` matches `value` and `valueQuantity`): made once per resource, so that a
 * parameter whose paths all start elsewhere is skipped without walking the resource's keys again.
 */
export function firstSteps(resource: object): Set<string> {
  const steps = new Set<string>();
  for (const key in resource) {
    const start = key.charCodeAt(0) === 95 ? 1 : 0;
    for (let end = start + 1; end < key.length; end++) {
      const c = key.charCodeAt(end);
      if (c >= 65 && c <= 90) steps.add(key.slice(start, end));
    }
    steps.add(start === 0 ? key : key.slice(start));
  }
  return steps;
}
