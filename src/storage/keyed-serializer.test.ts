import { KeyedSerializer } from './keyed-serializer';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedSerializer', () => {
  it('runs tasks of one key one at a time, in arrival order, even after a failure', async () => {
    const serializer = new KeyedSerializer();
    const log: string[] = [];
    const task = (name: string, fail = false) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([
      serializer.run('k', task('a')),
      serializer.run('k', task('b', true)),
      serializer.run('k', task('c')),
    ]);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('runs tasks of different keys concurrently and forgets keys once idle', async () => {
    const serializer = new KeyedSerializer();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
    };
    const running = [serializer.run('x', task('x')), serializer.run('y', task('y'))];
    expect(serializer.activeKeys).toBe(2);
    await Promise.all(running);
    expect(log.slice(0, 2)).toEqual(['start x', 'start y']);
    await tick();
    expect(serializer.activeKeys).toBe(0);
  });
});
