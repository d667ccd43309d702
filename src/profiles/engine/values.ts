/**
 * Sets of JSON values compared by value, as the `any`, `all` and `none` of Statement Template
 * rules need (Part Two §8.1): primitives by identity of type and value, objects and arrays by
 * their canonical JSON (member order does not matter).
 */

export class JsonValueSet {
  private readonly primitives = new Set<unknown>();
  private readonly composites = new Set<string>();

  constructor(readonly values: readonly unknown[]) {
    for (const value of values) {
      if (value !== null && typeof value === 'object') this.composites.add(canonicalJson(value));
      else this.primitives.add(value);
    }
  }

  private json: string | undefined;

  /** The values as JSON, for messages (computed once). */
  get text(): string {
    this.json ??= JSON.stringify(this.values);
    return this.json;
  }

  has(value: unknown): boolean {
    if (value !== null && typeof value === 'object') return this.composites.size > 0 && this.composites.has(canonicalJson(value));
    return this.primitives.has(value);
  }
}

/** Canonical JSON (object members sorted by key); statements reach here already depth-bounded by the LRS. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${members.join(',')}}`;
}
