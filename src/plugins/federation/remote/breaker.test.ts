import { CircuitBreaker, CircuitBreakers } from './breaker';

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

function failTimes(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i++) breaker.recordFailure();
}

/** A breaker on a hand-moved clock, just opened by 5 failures in a row. */
function justOpened() {
  const time = clock();
  const breaker = new CircuitBreaker({ now: time.now });
  failTimes(breaker, 5);
  return { time, breaker };
}

describe('CircuitBreaker (issue 15: per peer, 5 failures, 30 s)', () => {
  it('stays closed through 4 failures in a row and opens at the 5th', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ now: time.now });
    failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.snapshot()).toEqual({ state: 'open', consecutiveFailures: 5, retryAt: time.now() + 30_000 });
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('counts failures in a row only: a success in between starts again', () => {
    const breaker = new CircuitBreaker({ now: clock().now });
    failTimes(breaker, 4);
    breaker.recordSuccess();
    failTimes(breaker, 4);
    expect(breaker.state).toBe('closed');
  });

  it('lets one trial through after 30 s; its success closes the breaker', () => {
    const { time, breaker } = justOpened();
    time.advance(29_999);
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false); // one trial at a time
    breaker.recordSuccess();
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0 });
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('opens again for 30 s when the trial fails', () => {
    const { time, breaker } = justOpened();
    time.advance(30_000);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    time.advance(29_999);
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('a failure arriving late while open does not prolong the open period', () => {
    const { time, breaker } = justOpened();
    time.advance(20_000);
    breaker.recordFailure();
    time.advance(10_000);
    expect(breaker.state).toBe('half-open');
  });

  it('replaces a trial that never reported (a crashed run) after another 30 s', () => {
    const { time, breaker } = justOpened();
    time.advance(30_000);
    expect(breaker.tryAcquire()).toBe(true);
    time.advance(29_999);
    expect(breaker.tryAcquire()).toBe(false);
    time.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('takes its threshold and open period from options', () => {
    const time = clock();
    const breaker = new CircuitBreaker({ now: time.now, failureThreshold: 2, openMs: 1000 });
    failTimes(breaker, 2);
    expect(breaker.state).toBe('open');
    time.advance(1000);
    expect(breaker.state).toBe('half-open');
  });
});

describe('CircuitBreakers', () => {
  it('keeps one breaker per peer: one peer failing leaves the others closed', () => {
    const breakers = new CircuitBreakers({ now: clock().now });
    failTimes(breakers.of('college'), 5);
    expect(breakers.of('college')).toBe(breakers.of('college'));
    expect(breakers.snapshotOf('college').state).toBe('open');
    expect(breakers.of('school').tryAcquire()).toBe(true);
    expect(breakers.snapshotOf('never-tried')).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });
});
