/**
 * What the race tests check, as pure functions over what they read back: the reservations that
 * hold time (held or confirmed), from the database or rebuilt from the recorded statements, and
 * whether any two of one space overlap (the rule: confirmed and held reservations of one
 * space never overlap).
 */
import { SLOT_MS } from '../../model';
import { ACTIVITY_TYPE, EXTENSION, VERB } from '../../vocabulary';

/** A reservation holding [startMs, endMs) of a space. */
export interface Booking {
  reservationId: string;
  spaceId: string;
  startMs: number;
  endMs: number;
}

/** Every pair of bookings of one space whose intervals share an instant (half-open intervals: touching is fine). */
export function overlapsOf(bookings: readonly Booking[]): Array<[Booking, Booking]> {
  const pairs: Array<[Booking, Booking]> = [];
  for (const ofSpace of groupBy(bookings, (booking) => booking.spaceId).values()) {
    const sorted = [...ofSpace].sort((one, other) => one.startMs - other.startMs);
    const open: Booking[] = [];
    for (const booking of sorted) {
      const stillOpen = open.filter((earlier) => earlier.endMs > booking.startMs);
      for (const earlier of stillOpen) pairs.push([earlier, booking]);
      open.length = 0;
      open.push(...stillOpen, booking);
    }
  }
  return pairs;
}

/** The reservations holding each slot, by `${spaceId}/${slotStartMs}` (what the claims store keys slots by). */
export function holdersBySlot(bookings: readonly Booking[]): Map<string, string[]> {
  const holders = new Map<string, string[]>();
  for (const booking of bookings) {
    for (let slotMs = Math.floor(booking.startMs / SLOT_MS) * SLOT_MS; slotMs < booking.endMs; slotMs += SLOT_MS) {
      const key = slotKey(booking.spaceId, slotMs);
      holders.set(key, [...(holders.get(key) ?? []), booking.reservationId]);
    }
  }
  return holders;
}

export function slotKey(spaceId: string, slotMs: number): string {
  return `${spaceId}/${slotMs}`;
}

/** The parts of a recorded statement the reduction reads (GET /xapi/statements gives more). */
export interface RecordedStep {
  id: string;
  verb: { id: string };
  object: { definition?: { type?: string } };
  timestamp: string;
  context?: {
    registration?: string;
    contextActivities?: { parent?: Array<{ id: string }> };
    extensions?: Record<string, unknown>;
  };
}

const ENDING_VERBS: ReadonlySet<string> = new Set([VERB.cancelled, VERB.rejected, VERB.holdExpired]);
const TIMING_VERBS: ReadonlySet<string> = new Set([VERB.held, VERB.updated]);

/**
 * The bookings the recorded steps say hold time: per registration (the reservation id) of statements
 * about a reservation (the profile's spaces' statements share verbs such as update), the slot
 * of its latest held or modified statement, unless a cancelled, rejected or hold-expired statement
 * ended it (those states are final). `spaceIdOf` reads the space from the parent activity.
 */
export function liveBookingsOfSteps(steps: readonly RecordedStep[], spaceIdOf: (iri: string) => string | undefined): Booking[] {
  const bookings: Booking[] = [];
  const aboutReservations = steps.filter((step) => step.object.definition?.type === ACTIVITY_TYPE.reservation);
  for (const [reservationId, ofReservation] of groupBy(aboutReservations, (step) => step.context?.registration ?? '')) {
    if (reservationId === '' || ofReservation.some((step) => ENDING_VERBS.has(step.verb.id))) continue;
    const timing = ofReservation.filter((step) => TIMING_VERBS.has(step.verb.id)).sort((one, other) => Date.parse(one.timestamp) - Date.parse(other.timestamp));
    const latest = timing[timing.length - 1];
    if (latest === undefined) continue;
    const slot = latest.context?.extensions?.[EXTENSION.slot] as { start: string; end: string } | undefined;
    const parent = latest.context?.contextActivities?.parent?.[0]?.id ?? '';
    const spaceId = spaceIdOf(parent);
    if (slot === undefined) throw new Error(`statement ${latest.id} has no slot extension`);
    if (spaceId === undefined) throw new Error(`statement ${latest.id}'s parent ${JSON.stringify(parent)} is no space of this LRS`);
    bookings.push({ reservationId, spaceId, startMs: Date.parse(slot.start), endMs: Date.parse(slot.end) });
  }
  return bookings;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
