/**
 * Runs tasks that share a key one after another, in the order they arrive; tasks with other keys
 * run meanwhile. A task runs whether the one before it succeeded or failed.
 */
export class KeyedSerializer {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** How many keys have a task running or waiting (for tests). */
  get activeKeys(): number {
    return this.tails.size;
  }
}
