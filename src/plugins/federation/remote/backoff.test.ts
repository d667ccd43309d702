import { mayRetry, RETRY, retryDelayMs } from './backoff';

describe('retry policy (issue 15: 100 ms doubling to 30 s, 5 tries)', () => {
  it('waits 100 ms before the first retry and doubles each time', () => {
    expect([1, 2, 3, 4, 5].map(retryDelayMs)).toEqual([100, 200, 400, 800, 1600]);
  });

  it('never waits more than 30 s, however many attempts', () => {
    expect(retryDelayMs(9)).toBe(25_600);
    expect(retryDelayMs(10)).toBe(30_000);
    expect(retryDelayMs(1000)).toBe(30_000);
  });

  it('allows 5 tries, then the statement is parked', () => {
    expect(RETRY.attempts).toBe(5);
    expect([0, 1, 4].map(mayRetry)).toEqual([true, true, true]);
    expect([5, 6].map(mayRetry)).toEqual([false, false]);
  });

  it('refuses an attempt number that is not a whole number from 1', () => {
    expect(() => retryDelayMs(0)).toThrow(RangeError);
    expect(() => retryDelayMs(1.5)).toThrow(RangeError);
  });
});
