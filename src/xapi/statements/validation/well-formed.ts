import { BadRequestCode, BadRequestError } from '../../../errors';

/**
 * Communication 1.4: strings are UTF-8. JSON escapes can still smuggle in a lone UTF-16
 * surrogate (`"\ud800"`), which no UTF-8 text can hold and RFC 8785 cannot canonicalise
 * (anchoring hashes statements that way), so a statement with one is rejected.
 *
 * The walk is iterative (an explicit stack, any depth) and linear; the path of the culprit is
 * only built when there is one.
 */
export function assertWellFormedText(value: unknown, path: string): void {
  const stack: Node[] = [{ value, parent: undefined, key: '', inArray: false }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const current = node.value;
    if (typeof current === 'string') {
      if (!current.isWellFormed()) throw notUtf8(pathOf(path, node));
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const object = current as Record<string, unknown>;
    const inArray = Array.isArray(object);
    const keys = Object.keys(object);
    for (const key of keys) {
      if (!key.isWellFormed()) throw notUtf8(pathOf(path, node));
    }
    // Children pushed last first, so that the first culprit in document order is the one reported.
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = object[keys[i]!];
      if (typeof child === 'string' || (typeof child === 'object' && child !== null)) {
        stack.push({ value: child, parent: node, key: keys[i]!, inArray });
      }
    }
  }
}

interface Node {
  value: unknown;
  parent: Node | undefined;
  /** The name or index of this node in its parent. */
  key: string;
  inArray: boolean;
}

function pathOf(root: string, node: Node): string {
  const steps: string[] = [];
  for (let at: Node | undefined = node; at?.parent !== undefined; at = at.parent) {
    steps.push(at.inArray ? `[${at.key}]` : `.${at.key}`);
  }
  return root + steps.reverse().join('');
}

function notUtf8(path: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidStatement, `${path}: contains a lone UTF-16 surrogate, which is not valid UTF-8 text`);
}
