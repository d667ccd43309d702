import { BadRequestCode, BadRequestError } from '../../../errors';

/**
 * Communication 1.4: strings are UTF-8. JSON escapes can still smuggle in a lone UTF-16
 * surrogate (`"\ud800"`), which no UTF-8 text can hold and RFC 8785 cannot canonicalise
 * (anchoring hashes statements that way), so a statement with one is rejected.
 */
export function assertWellFormedText(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw notUtf8(path);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    if (!key.isWellFormed()) throw notUtf8(path);
    assertWellFormedText(child, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
  }
}

function notUtf8(path: string): BadRequestError {
  return new BadRequestError(BadRequestCode.InvalidStatement, `${path}: contains a lone UTF-16 surrogate, which is not valid UTF-8 text`);
}
