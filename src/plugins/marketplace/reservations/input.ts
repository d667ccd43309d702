/**
 * What bookers and owners send, checked before anything is stored: 400 with a stable code and a
 * message naming the field and what is wrong.
 */
import { BadRequestError, objectFields, parseAgentParameter, type Agent } from '../../../plugin-api';
import { SLOT_MINUTES, SLOT_MS } from '../model';
import { instant, integerIn, slugs, uuid } from '../fields';

export const InputCode = {
  InvalidReservation: 'INVALID_RESERVATION',
  InvalidTimes: 'INVALID_TIMES',
  InvalidParticipants: 'INVALID_PARTICIPANTS',
  InvalidReason: 'INVALID_REASON',
} as const;

/** How far ahead a reservation may start, and how long it may last (one day: a longer stay is several bookings). */
export const MAX_AHEAD_MS = 365 * 24 * 3_600_000;
export const MAX_DURATION_MS = 24 * 3_600_000;
const MAX_PARTICIPANTS = 100_000;
const MAX_LEARNERS = 100;
const MAX_REASON = 2000;

export interface Times {
  startMs: number;
  endMs: number;
}

export interface HoldRequest extends Times {
  /** The id the client chose (a retry with it resumes), lowercased. */
  id?: string;
  spaceId: string;
  participants: number;
  safetyRequirements: string[];
  /** The learners (context.team of the statements); none given: the booker alone. */
  learners: Agent[];
  learnerKeys: string[];
}

type Fields = Record<string, unknown>;

/** POST /reservations: `{ id?, spaceId, start, end, participants, safetyRequirements?, learners? }` (and `actor` for credentials). */
export function parseHoldRequest(input: unknown, nowMs: number): HoldRequest {
  const body = objectFields(input, InputCode.InvalidReservation, { known: ['id', 'actor', 'spaceId', 'start', 'end', 'participants', 'safetyRequirements', 'learners'] });
  const participants = participantsOf(body.participants);
  const learners = learnersOf(body.learners ?? [], participants);
  return {
    ...(body.id !== undefined && { id: uuid(body.id, 'id', InputCode.InvalidReservation) }),
    spaceId: uuid(body.spaceId, 'spaceId', InputCode.InvalidReservation),
    ...timesOf(body, nowMs),
    participants,
    safetyRequirements: slugs(body.safetyRequirements ?? [], 'safetyRequirements', InputCode.InvalidReservation),
    learners: learners.map(({ agent }) => agent),
    learnerKeys: learners.map(({ key }) => key),
  };
}

/** POST /reservations/:id/modify: `{ start, end }`, under the same rules as a hold's. */
export function parseModifyRequest(input: unknown, nowMs: number): Times {
  return timesOf(objectFields(input, InputCode.InvalidReservation, { known: ['actor', 'start', 'end'] }), nowMs);
}

/** The reason of a cancellation (optional) or a rejection (required): `{ reason }`, at most 2000 characters. */
export function parseReason(input: unknown, required: boolean): string | undefined {
  const { reason } = objectFields(input ?? {}, InputCode.InvalidReservation, { known: ['actor', 'reason'] });
  if (reason === undefined && !required) return undefined;
  if (typeof reason !== 'string' || reason.trim() === '' || reason.length > MAX_REASON) {
    throw new BadRequestError(InputCode.InvalidReason, `reason must be a non-empty text of at most ${MAX_REASON} characters`);
  }
  return reason;
}

/** The canonical form of a hold request, which a retry with the same id must match. */
export function requestKey(request: HoldRequest, bookerKey: string): string {
  const { spaceId, startMs, endMs, participants, safetyRequirements, learnerKeys } = request;
  return JSON.stringify({ bookerKey, spaceId, startMs, endMs, participants, safetyRequirements, learnerKeys });
}

function participantsOf(value: unknown): number {
  return integerIn(value, 'participants', 1, MAX_PARTICIPANTS, InputCode.InvalidParticipants);
}

/**
 * start and end: RFC 3339 with offsets, on the 15-minute grid, end after start, lasting at most a
 * day, starting neither in the past nor more than a year ahead.
 */
function timesOf(body: Fields, nowMs: number): Times {
  const startMs = instant(body.start, 'start', InputCode.InvalidTimes);
  const endMs = instant(body.end, 'end', InputCode.InvalidTimes);
  if (endMs <= startMs) throw new BadRequestError(InputCode.InvalidTimes, `end must be after start: ${String(body.end)} is not after ${String(body.start)}`);
  if (startMs % SLOT_MS !== 0 || endMs % SLOT_MS !== 0) throw new BadRequestError(InputCode.InvalidTimes, `start and end must fall on the ${SLOT_MINUTES}-minute grid (:00, :15, :30, :45 in UTC)`);
  if (endMs - startMs > MAX_DURATION_MS) throw new BadRequestError(InputCode.InvalidTimes, 'A reservation lasts at most 24 hours');
  if (startMs < nowMs) throw new BadRequestError(InputCode.InvalidTimes, `start ${String(body.start)} is in the past`);
  if (startMs > nowMs + MAX_AHEAD_MS) throw new BadRequestError(InputCode.InvalidTimes, 'start must be at most 365 days ahead');
  return { startMs, endMs };
}

function learnersOf(value: unknown, participants: number): Array<{ agent: Agent; key: string }> {
  const most = Math.min(MAX_LEARNERS, participants);
  if (!Array.isArray(value) || value.length > most) throw new BadRequestError(InputCode.InvalidReservation, `learners must be a list of at most ${most} Agents (no more than the participants)`);
  return value.map((learner, index) => {
    try {
      return parseAgentParameter(JSON.stringify(learner ?? null));
    } catch (error) {
      throw new BadRequestError(InputCode.InvalidReservation, `learners[${index}] must be an Agent with one identifier: ${(error as Error).message}`);
    }
  });
}
