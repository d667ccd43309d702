/** When a claim's owner still needs its slot (claimWorth): the rule every takeover of a claim asks first. */
import { SLOT_MS } from '../model';
import { claimWorth, type StoredReservation } from './records';

const START = 1_000 * SLOT_MS;
const owner = (overrides: Partial<StoredReservation>): StoredReservation =>
  ({ state: 'held', startMs: START, endMs: START + 4 * SLOT_MS, expiresMs: 500, statements: [], ...overrides }) as StoredReservation;
const lapse = (stale: StoredReservation): StoredReservation => ({ ...stale, state: 'expired' });

describe('claimWorth', () => {
  it.each([
    ['a hold before its expiry, in its times', owner({}), START + SLOT_MS, 499, 'live'],
    ['a hold still claiming before its deadline', owner({ state: 'claiming' }), START, 499, 'live'],
    ['a hold outside its times', owner({}), START + 4 * SLOT_MS, 499, 'free'],
    ['a confirmed reservation, in its times, whatever the time', owner({ state: 'confirmed' }), START, 10 ** 12, 'live'],
    ['an attended reservation, in its times', owner({ state: 'attended' }), START + 3 * SLOT_MS, 10 ** 12, 'live'],
    ['a confirmed reservation outside its times', owner({ state: 'confirmed' }), START - SLOT_MS, 0, 'free'],
    ['a pending modification before its deadline', owner({ state: 'confirmed', pending: { startMs: START + 4 * SLOT_MS, endMs: START + 6 * SLOT_MS, deadlineMs: 100 } }), START + 5 * SLOT_MS, 99, 'live'],
    ['a cancelled reservation', owner({ state: 'cancelled' }), START, 0, 'free'],
    ['a rejected reservation', owner({ state: 'rejected' }), START, 0, 'free'],
    ['an expired hold', owner({ state: 'expired' }), START, 0, 'free'],
  ])('%s: %s', (_case, reservation, slotMs, nowMs, worth) => {
    expect(claimWorth(reservation, slotMs, nowMs, lapse)).toBe(worth);
  });

  it('asks a stale hold (held or claiming, past its expiry) to be replaced before its claim is taken', () => {
    expect(claimWorth(owner({}), START, 500, lapse)).toMatchObject({ state: 'expired' });
    expect(claimWorth(owner({ state: 'claiming' }), START, 501, lapse)).toMatchObject({ state: 'expired' });
  });

  it('asks a stale pending modification to be removed (the reservation keeps its times)', () => {
    const moving = owner({ state: 'confirmed', pending: { startMs: START + 4 * SLOT_MS, endMs: START + 6 * SLOT_MS, deadlineMs: 100 } });
    const replaced = claimWorth(moving, START + 5 * SLOT_MS, 100, lapse) as StoredReservation;
    expect(replaced).toMatchObject({ state: 'confirmed', startMs: START, endMs: START + 4 * SLOT_MS });
    expect(replaced.pending).toBeUndefined();
  });
});
