/**
 * The restricted JSONPath of xAPI Profiles (Part Two §8.1): `$`, child names (`.name`, `.*`,
 * `['name']`), array indexes and `*` in brackets, unions with `,` inside brackets, and whole
 * paths joined with `|`. Filters, scripts, slices and recursive descent are not allowed. Parsed
 * once into steps; evaluated breadth-first without recursion or regular expressions.
 */

interface Step {
  names: string[];
  indexes: number[];
  wildcard: boolean;
}

/** A parsed path: the alternatives joined by `|`, each a list of steps from the root. */
export interface CompiledPath {
  source: string;
  alternatives: Step[][];
}

export class JsonPathError extends Error {}

const DOT_NAME_END = new Set(['.', '[', ']', '|', ' ', '\t', '\n', '\r', "'", '"', ',', '*', '(', ')', '?', '@']);

export function parseJsonPath(source: string): CompiledPath {
  const alternatives: Step[][] = [];
  let position = 0;
  const fail = (message: string): never => {
    throw new JsonPathError(`${message} at character ${position + 1} of "${source}"`);
  };
  const skipSpaces = () => {
    while (position < source.length && /\s/.test(source[position]!)) position += 1;
  };

  for (;;) {
    skipSpaces();
    alternatives.push(parseAlternative());
    skipSpaces();
    if (position >= source.length) break;
    if (source[position] !== '|') fail(`unexpected "${source[position]}"`);
    position += 1;
  }
  return { source, alternatives };

  function parseAlternative(): Step[] {
    const steps: Step[] = [];
    if (source[position] === '$') position += 1;
    else if (position < source.length && !DOT_NAME_END.has(source[position]!)) steps.push(named(readDotName()));
    else if (source[position] !== '[') fail('a path starts with "$", a name or "["');
    while (position < source.length) {
      const c = source[position]!;
      if (c === '.') {
        position += 1;
        if (source[position] === '.') fail('recursive descent ("..") is not allowed');
        if (source[position] === '*') {
          position += 1;
          steps.push({ names: [], indexes: [], wildcard: true });
        } else steps.push(named(readDotName()));
      } else if (c === '[') {
        steps.push(readBracket());
      } else break;
    }
    if (steps.length === 0 && source[position - 1] !== '$') fail('empty path');
    return steps;
  }

  function readDotName(): string {
    const start = position;
    while (position < source.length && !DOT_NAME_END.has(source[position]!)) position += 1;
    if (position === start) fail('a name, "*" or "[" is expected after "."');
    return source.slice(start, position);
  }

  function readBracket(): Step {
    position += 1; // '['
    const step: Step = { names: [], indexes: [], wildcard: false };
    for (;;) {
      skipSpaces();
      const c = source[position];
      if (c === undefined) fail('unclosed "["');
      if (c === '?' || c === '(') fail('filter and script expressions are not allowed');
      if (c === "'" || c === '"') step.names.push(readQuoted(c));
      else if (c === '*') {
        position += 1;
        step.wildcard = true;
      } else if (c! >= '0' && c! <= '9') step.indexes.push(readIndex());
      else if (c === '-') fail('negative array indexes are not allowed');
      else fail(`unexpected "${c}" in brackets`);
      skipSpaces();
      if (source[position] === ',') {
        position += 1;
        continue;
      }
      if (source[position] === ':') fail('array slices are not allowed');
      if (source[position] !== ']') fail('"]" or "," expected');
      position += 1;
      return step;
    }
  }

  function readQuoted(quote: string): string {
    position += 1;
    let text = '';
    for (;;) {
      const c = source[position];
      if (c === undefined) fail('unterminated string');
      position += 1;
      if (c === quote) return text;
      if (c === '\\') {
        const escaped = source[position];
        if (escaped === undefined) fail('unterminated string');
        text += escaped;
        position += 1;
      } else text += c;
    }
  }

  function readIndex(): number {
    const start = position;
    while (position < source.length && source[position]! >= '0' && source[position]! <= '9') position += 1;
    const index = Number(source.slice(start, position));
    if (!Number.isSafeInteger(index)) fail('array index too large');
    return index;
  }
}

function named(name: string): Step {
  return { names: [name], indexes: [], wildcard: false };
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * The values the path finds in `root`, in document order per alternative (Part Three §2.1
 * `apply_jsonpath`): each found value once, an array value as one value. Names select object
 * members, indexes select array elements, `*` selects every member or element.
 */
export function evaluateJsonPath(path: CompiledPath, root: unknown): unknown[] {
  const found: unknown[] = [];
  for (const steps of path.alternatives) {
    let current: unknown[] = [root];
    for (const step of steps) {
      const next: unknown[] = [];
      for (const node of current) selectChildren(step, node, next);
      if (next.length === 0) {
        current = next;
        break;
      }
      current = next;
    }
    for (const value of current) found.push(value);
  }
  return found;
}

function selectChildren(step: Step, node: unknown, into: unknown[]): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    if (step.wildcard) for (const element of node) into.push(element);
    else for (const index of step.indexes) if (index < node.length) into.push(node[index]);
    return;
  }
  const record = node as Record<string, unknown>;
  if (step.wildcard) for (const key of Object.keys(record)) into.push(record[key]);
  else for (const name of step.names) if (hasOwn.call(record, name) && record[name] !== undefined) into.push(record[name]);
}
