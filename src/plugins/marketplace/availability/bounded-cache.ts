/**
 * A map holding at most `capacity` entries, dropping the oldest entry first. A hit does not move
 * an entry (a Map delete and set on every read would cost more than the values cached here).
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  /** The cached value, or `make(key)` cached. */
  getOrMake(key: K, make: (key: K) => V): V {
    const cached = this.entries.get(key);
    if (cached !== undefined) return cached;
    const value = make(key);
    this.set(key, value);
    return value;
  }
}
