/**
 * What the reservations feature stores, and when a reservation still holds a slot: the rule the
 * claims protocol (claims.ts) decides takeovers with. Pure functions of a document and an instant.
 */
import type { Agent } from '../../../plugin-api';
import { SLOT_MS, type AgentKey, type Money, type ReservationState } from '../model';

/**
 * A statement of one step, kept as recorded so that recording it again gives the very same
 * statement: as JSON text, since its extensions' keys are IRIs, with dots no store keeps as keys.
 */
export interface KeptStatement {
  id: string;
  verb: string;
  json: string;
}

/** New times a confirmed reservation is moving to, live until `deadlineMs`. */
export interface PendingModification {
  startMs: number;
  endMs: number;
  deadlineMs: number;
}

export interface StoredReservation {
  spaceId: string;
  booker: Agent;
  bookerKey: AgentKey;
  learners: Agent[];
  state: ReservationState;
  startMs: number;
  endMs: number;
  participants: number;
  safetyRequirements: string[];
  /** Quoted while held, fixed at confirmation. */
  price: Money;
  /** The space's zone and name when held: how the views and statements show times and the space. */
  timeZone: string;
  spaceName: Record<string, string>;
  createdMs: number;
  /** The hold request as first sent (canonical JSON): a retry with the same id must send the same. */
  request: string;
  /** While claiming: when the claim is abandoned; while held: when the hold lapses. */
  expiresMs?: number;
  pending?: PendingModification;
  /** Why a hold was refused while claiming (the 409's code): it never held anything and has no statements. */
  refusal?: string;
  statements: KeptStatement[];
  /** Statements from this index on may not be recorded yet (a crash between deciding and recording). */
  unrecordedFrom?: number;
  /** When they were added: the hold-expiry job records those left for a minute. */
  outboxSinceMs?: number;
}

export interface StoredClaim {
  spaceId: string;
  slotMs: number;
  /** The reservation claiming the slot; null once released. */
  reservationId: string | null;
}

/** Every attendee's attendance of a space (what ratings ask: ReservationLookup.attendedSpace). */
export interface StoredAttendance {
  agentKey: AgentKey;
  spaceId: string;
  reservationId: string;
}

export function claimId(spaceId: string, slotMs: number): string {
  return `${spaceId}/${slotMs}`;
}

/** The starts of the slots of [startMs, endMs) (both aligned on SLOT_MS). */
export function slotsOf(startMs: number, endMs: number): number[] {
  const slots: number[] = [];
  for (let slotMs = startMs; slotMs < endMs; slotMs += SLOT_MS) slots.push(slotMs);
  return slots;
}

const covers = (startMs: number, endMs: number, slotMs: number) => startMs <= slotMs && slotMs < endMs;

/**
 * What a claim of `slotMs` owned by `owner` is worth at `nowMs`:
 * - `live`: the owner needs the slot (claiming before its deadline, held before it lapses, confirmed
 *   or attended, or its pending modification before that deadline);
 * - `free`: the owner no longer covers the slot (ended, or times moved away): take it as it is;
 * - a document: the owner covers the slot but is stale; only once this replacement of the owner
 *   was written on the owner's revision may the claim be taken, so that the owner, which commits its
 *   own steps on its revision too, can never go on believing it holds the slot.
 */
export function claimWorth(owner: StoredReservation, slotMs: number, nowMs: number, lapse: (owner: StoredReservation) => StoredReservation): 'live' | 'free' | StoredReservation {
  const inTimes = covers(owner.startMs, owner.endMs, slotMs);
  switch (owner.state) {
    case 'claiming':
    case 'held':
      if (!inTimes) return 'free';
      return nowMs < owner.expiresMs! ? 'live' : lapse(owner);
    case 'confirmed':
    case 'attended': {
      if (inTimes) return 'live';
      const { pending } = owner;
      if (pending === undefined || !covers(pending.startMs, pending.endMs, slotMs)) return 'free';
      if (nowMs < pending.deadlineMs) return 'live';
      const { pending: _dropped, ...withoutPending } = owner;
      return withoutPending;
    }
    default:
      return 'free';
  }
}

/** Whether the reservation occupies its times at `nowMs` (what busy() and the views call live). */
export function occupies(reservation: StoredReservation, nowMs: number): boolean {
  if (reservation.state === 'confirmed' || reservation.state === 'attended') return true;
  return (reservation.state === 'held' || reservation.state === 'claiming') && nowMs < reservation.expiresMs!;
}
