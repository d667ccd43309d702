/**
 * The statements of a reservation's steps (the profile's reservation-* and hold-expired templates),
 * with name-based ids (the reservation and the step's position), kept in the reservation document
 * that decided the step, then recorded: a retry after a crash records the very same statements.
 */
import type { Agent, Collection, PluginStatements } from '../../../plugin-api';
import { formatInstant } from '../availability';
import { ACTIVITY_TYPE, EXTENSION, PROFILE_CATEGORY, reservationIri, spaceIri, VERB, VERB_DISPLAY } from '../vocabulary';
import { marketplaceUuid } from '../ids';
import type { KeptStatement, StoredReservation } from './records';

/** Unrecorded statements older than this are recorded by the hold-expiry job (their request died). */
export const OUTBOX_GRACE_MS = 60_000;

type Verb = (typeof VERB)[keyof typeof VERB];

export type Step = { verb: Verb } & StepDetails;

export interface StepDetails {
  actor: Agent;
  /** The statement this step answers (context.statement): the hold, confirmation or modification. */
  answers?: string;
  response?: string;
  extensions?: Record<string, unknown>;
  team?: Agent[];
}

/** The Agent the marketplace itself acts as (a hold that lapsed). */
export function marketplaceAgent(publicUrl: string): Agent {
  return { objectType: 'Agent', name: 'Keiko marketplace', account: { homePage: publicUrl, name: 'plugin/marketplace' } };
}

export class StepStatements {
  constructor(private readonly publicUrl: string) {}

  /** The reservation with the statements of one step added (timestamp `nowMs`), marked unrecorded. */
  append(id: string, reservation: StoredReservation, nowMs: number, steps: Step[]): StoredReservation {
    const first = reservation.statements.length;
    const added = steps.map((step, index) => this.statement(id, reservation, first + index, nowMs, step));
    return { ...reservation, statements: [...reservation.statements, ...added], unrecordedFrom: reservation.unrecordedFrom ?? first, outboxSinceMs: nowMs };
  }

  /** The id of the reservation's statement at `sequence` (its place among the reservation's statements). */
  idOf(id: string, sequence: number): string {
    return marketplaceUuid(`reservation/${id}/${sequence}`);
  }

  /** The price and times (slot) extensions of a reservation. */
  slotExtensions(reservation: StoredReservation): Record<string, unknown> {
    const { startMs, endMs, timeZone, price } = reservation;
    return { [EXTENSION.slot]: { start: formatInstant(startMs, timeZone), end: formatInstant(endMs, timeZone) }, [EXTENSION.price]: price };
  }

  private statement(id: string, reservation: StoredReservation, sequence: number, nowMs: number, step: Step): KeptStatement {
    const statementId = this.idOf(id, sequence);
    const { actor, answers, response, extensions, team } = step;
    const statement = {
      id: statementId,
      actor,
      verb: { id: step.verb, display: { en: VERB_DISPLAY[step.verb] } },
      object: { objectType: 'Activity', id: reservationIri(this.publicUrl, id), definition: { type: ACTIVITY_TYPE.reservation, name: { en: this.title(reservation) } } },
      ...(response !== undefined && { result: { response } }),
      context: {
        registration: id,
        contextActivities: {
          parent: [{ objectType: 'Activity', id: spaceIri(this.publicUrl, reservation.spaceId), definition: { type: ACTIVITY_TYPE.space, name: reservation.spaceName } }],
          category: [PROFILE_CATEGORY],
        },
        ...(team !== undefined && { team: { objectType: 'Group', member: team } }),
        ...(answers !== undefined && { statement: { objectType: 'StatementRef', id: answers } }),
        ...(extensions !== undefined && { extensions }),
      },
      timestamp: new Date(nowMs).toISOString(),
    };
    return { id: statementId, verb: step.verb, json: JSON.stringify(statement) };
  }

  /** "Room 2, 2026-03-10T17:00:00+01:00 – 2026-03-10T18:30:00+01:00". */
  private title({ spaceName, startMs, endMs, timeZone }: StoredReservation): string {
    const name = spaceName.en ?? Object.values(spaceName)[0] ?? 'Space';
    return `${name}, ${formatInstant(startMs, timeZone)} – ${formatInstant(endMs, timeZone)}`;
  }
}

/**
 * Records the statements a reservation document holds but may not have recorded yet, then clears
 * that mark on the revision it was read at (in the background: a later step clears it anyway).
 */
export class StatementOutbox {
  constructor(
    private readonly reservations: Collection<StoredReservation>,
    private readonly statements: PluginStatements,
  ) {}

  async record(id: string, reservation: StoredReservation, revision: number): Promise<void> {
    if (reservation.unrecordedFrom === undefined) return;
    await this.statements.record(reservation.statements.slice(reservation.unrecordedFrom).map(({ json }) => JSON.parse(json) as object));
    const { unrecordedFrom: _recorded, outboxSinceMs: _since, ...cleared } = reservation;
    void this.reservations.update(id, cleared, revision).catch(() => undefined);
  }

  /** Records the statements whose request died before recording them (at most `limit` reservations). */
  async sweep(nowMs: number, limit: number): Promise<number> {
    const left = await this.reservations.find({ where: { outboxSinceMs: { lt: nowMs - OUTBOX_GRACE_MS } }, limit });
    for (const { id, value, revision } of left) await this.record(id, value, revision);
    return left.length;
  }
}
