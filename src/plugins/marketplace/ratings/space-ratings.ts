/**
 * Ratings of spaces by the people who used them (issue 13): overall, safety, cleanliness and
 * accessibility, each an integer 1..5, and a review, only from the booker of an attended
 * reservation of the space. A rater may rate one reservation again: the rating stored last
 * replaces the earlier one. Ratings and per-space summaries are derived from the space-rated
 * statements this plugin recorded (`apply`); reports of problem spaces are SpaceReports'.
 */
import {
  HttpError,
  NotFoundError,
  recordedByPlugin,
  type Collection,
  type FeedEvent,
  type FeedStatement,
  type PluginStatements,
} from '../../../plugin-api';
import type { Party, RatingSummaries, RatingSummary, ReservationLookup, Space, SpaceLookup } from '../model';
import { marketplaceUuid } from '../ids';
import { RatingLedger } from './ledger';
import { parseRatingInput, parseReportInput, parseResolution, type RatingInput } from './inputs';
import { DIMENSIONS, PLUGIN_NAME, type RatingRecord, type ReportRecord, type ReportState, type Scores, type SummaryRecord } from './records';
import { SpaceReports, type ReportView } from './reports';
import { ratedStatement, ratingIn, reportIn, type RatedStatement } from './statements';
import { countedRating, emptySummary } from './summaries';

/** A rating as the space's page and GET …/ratings show it. */
export interface RatingView extends Scores {
  id: string;
  spaceId: string;
  reservationId: string;
  raterName?: string;
  review?: string;
  /** When it was stored, RFC 3339. */
  at: string;
}

export interface RatingsOverview {
  spaceId: string;
  summary: RatingSummary;
  ratings: RatingView[];
}

export interface SpaceRatingsOptions {
  store: (name: string) => Collection<any>;
  statements: PluginStatements;
  reservations: Pick<ReservationLookup, 'reservation'>;
  spaces: SpaceLookup;
  publicUrl: string;
  now?: () => number;
}

/** 403 NOT_ATTENDED: only the booker of an attended reservation of the space rates it. */
export class NotAttendedError extends HttpError {
  constructor(message: string) {
    super(403, 'NOT_ATTENDED', message);
  }
}

const MAX_LISTED = 100;
const PAGE = 500;
/** Rating statement ids tried for one rater and reservation before giving up (ids of voided ratings are skipped). */
const MAX_SEQUENCE_TRIES = 100;
/** Recordings of one rating tried when concurrent requests of the same rater race for its id. */
const RECORD_ATTEMPTS = 3;

export class SpaceRatings implements RatingSummaries {
  private readonly ratings: Collection<RatingRecord>;
  private readonly ledger: RatingLedger;
  private readonly summaryStore: Collection<SummaryRecord>;
  private readonly reportFeature: SpaceReports;
  private readonly now: () => number;

  constructor(private readonly options: SpaceRatingsOptions) {
    this.ratings = options.store('ratings');
    this.summaryStore = options.store('rating_summaries');
    this.ledger = new RatingLedger(this.ratings, this.summaryStore);
    this.now = options.now ?? Date.now;
    this.reportFeature = new SpaceReports({ store: options.store('reports') as Collection<ReportRecord>, statements: options.statements, spaces: options.spaces, publicUrl: options.publicUrl, now: this.now });
  }

  /** Builds ratings, summaries and filed reports from the statements this plugin recorded; idempotent by statement id. */
  async apply(events: FeedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'stored') await this.applyStored(event.statement);
      else await this.applyVoided(event.statementId.toLowerCase(), event.position);
    }
  }

  /**
   * The party rates the space for one of their attended reservations: 400 INVALID_RATING naming the
   * field, 404 SPACE_NOT_FOUND, 403 NOT_ATTENDED, 403 OWN_SPACE (its owner, who may book it too). The same rating sent again records nothing
   * (created false); another replaces the party's earlier rating of that reservation.
   */
  async rate(party: Party, spaceId: string, input: unknown): Promise<{ rating: RatingView; created: boolean }> {
    const rating = parseRatingInput(input);
    const space = await this.spaceOrNotFound(spaceId);
    await this.requireAttended(party, space, rating.reservationId);
    for (let attempt = 1; ; attempt += 1) {
      const earlier = await this.ledger.ratingsOfPair({ reservationId: rating.reservationId, rater: party.key });
      const latest = countedRating(earlier);
      if (latest !== undefined && sameRating(latest, rating)) return { rating: ratingView(latest.id, latest), created: false };
      const next = await this.nextRatingId(rating, party, earlier.length);
      if (next.recorded) return { rating: await this.recordedRating(next.id), created: false };
      const statement = ratedStatement({ id: next.id, actor: party.agent, space, ...rating, timestamp: new Date(this.now()).toISOString() }, this.options.publicUrl);
      try {
        await this.options.statements.record([statement], { applied: true });
        return { rating: await this.recordedRating(next.id), created: true };
      } catch (error) {
        // Another request of the same rater took this id first: the next attempt sees its rating.
        if (!(error instanceof HttpError && error.code === 'STATEMENT_CONFLICT') || attempt === RECORD_ATTEMPTS) throw error;
      }
    }
  }

  /** The space's summary, undefined without ratings. */
  async summary(spaceId: string): Promise<RatingSummary | undefined> {
    const stored = await this.summaryStore.get(spaceId);
    return stored === undefined || stored.value.count === 0 ? undefined : summaryOf(stored.value);
  }

  async summaries(spaceIds: string[]): Promise<Map<string, RatingSummary>> {
    const ids = [...new Set(spaceIds)];
    const found: Array<{ value: SummaryRecord }> = [];
    for (let start = 0; start < ids.length; start += 1000) {
      found.push(...(await this.summaryStore.find({ where: { spaceId: { in: ids.slice(start, start + 1000) } } })));
    }
    return new Map(found.filter(({ value }) => value.count > 0).map(({ value }) => [value.spaceId, summaryOf(value)]));
  }

  /** What GET …/spaces/:id/ratings answers: the summary (zeros without ratings) and the newest reviews; 404 SPACE_NOT_FOUND. */
  async overview(spaceId: string, limit: number): Promise<RatingsOverview> {
    await this.spaceOrNotFound(spaceId);
    const [summary, ratings] = await Promise.all([this.summary(spaceId), this.ratingsOf(spaceId, limit)]);
    return { spaceId, summary: summary ?? emptySummary(), ratings };
  }

  /** The counted ratings of a space, newest first, at most `limit` (≤ 100). */
  async ratingsOf(spaceId: string, limit = 20): Promise<RatingView[]> {
    const wanted = Math.min(Math.max(limit, 0), MAX_LISTED);
    const views: RatingView[] = [];
    const seenPairs = new Set<string>();
    const seenIds = new Set<string>();
    let before = Number.MAX_SAFE_INTEGER;
    while (views.length < wanted) {
      const page = (await this.ratings.find({ where: { spaceId, position: { lte: before } }, orderBy: [{ field: 'spaceId' }, { field: 'position', descending: true }], limit: Math.min(2 * wanted + 10, PAGE) })).filter(({ id }) => !seenIds.has(id));
      if (page.length === 0) break;
      for (const { id, value } of page) {
        seenIds.add(id);
        before = value.position;
        const pair = JSON.stringify([value.reservationId, value.rater]);
        if (seenPairs.has(pair)) continue; // an earlier rating its rater replaced
        seenPairs.add(pair);
        if (views.length < wanted) views.push(ratingView(id, value));
      }
    }
    return views;
  }

  /** The party reports a problem with the space to the verifiers: 400 INVALID_REPORT, 404 SPACE_NOT_FOUND, 409 REPORT_ID_CONFLICT. */
  async report(party: Party, spaceId: string, input: unknown): Promise<{ report: ReportView; created: boolean }> {
    const report = parseReportInput(input);
    return this.reportFeature.report(party, await this.spaceOrNotFound(spaceId), report);
  }

  async reports(state: ReportState, limit?: number): Promise<ReportView[]> {
    return this.reportFeature.reports(state, limit);
  }

  /** A verifier resolves an open report with a note (text, or a body `{ note }`): 404 REPORT_NOT_FOUND, 409 REPORT_ALREADY_RESOLVED. */
  async resolve(verifier: Party, reportId: string, note: unknown): Promise<ReportView> {
    return this.reportFeature.resolve(verifier, reportId, parseResolution(typeof note === 'string' ? { note } : note));
  }

  private async applyStored(record: FeedStatement): Promise<void> {
    const { statement } = record;
    if (!recordedByPlugin(statement, PLUGIN_NAME)) return; // a client's statement decides nothing here
    const id = statement.id.toLowerCase();
    const rating = ratingIn(statement, this.options.publicUrl);
    if (rating !== undefined) return this.ledger.stored(id, { ...ratingRecord(rating, record.stored.getTime()), position: record.position });
    const report = reportIn(statement, this.options.publicUrl);
    if (report !== undefined) await this.reportFeature.file(id, report, record.stored.getTime());
  }

  /** A voided rating or report counts nowhere. */
  private async applyVoided(statementId: string, position: number): Promise<void> {
    await this.reportFeature.forget(statementId);
    await this.ledger.voided(statementId, position);
  }

  private async spaceOrNotFound(spaceId: string): Promise<Space> {
    const space = await this.options.spaces.space(spaceId);
    if (space === undefined) throw new NotFoundError(`No space ${spaceId}`, 'SPACE_NOT_FOUND');
    return space;
  }

  private async requireAttended(party: Party, space: Space, reservationId: string): Promise<void> {
    if (space.ownerKey === party.key) throw new HttpError(403, 'OWN_SPACE', `Space ${space.id} is yours: owners do not rate their own spaces`);
    const reservation = await this.options.reservations.reservation(reservationId);
    if (reservation === undefined || reservation.spaceId !== space.id) throw new NotAttendedError(`Reservation ${reservationId} is not a reservation of space ${space.id}`);
    if (reservation.bookerKey !== party.key) throw new NotAttendedError(`Reservation ${reservationId} is not yours: only its booker rates the space`);
    if (reservation.state !== 'attended') throw new NotAttendedError(`Reservation ${reservationId} is ${reservation.state}: a space is rated after the owner marks the reservation attended`);
  }

  /** A rating just recorded, as apply keeps it (or, should apply lag, as its statement says). */
  private async recordedRating(id: string): Promise<RatingView> {
    const applied = await this.ratings.get(id);
    if (applied !== undefined) return ratingView(id, applied.value);
    const stored = (await this.options.statements.get(id))!;
    return ratingView(id, ratingRecord(ratingIn(stored.statement, this.options.publicUrl)!, stored.stored.getTime()));
  }

  /**
   * The id of the party's next rating of the reservation: the n-th is a name-based id, so that a
   * rating recorded but not applied yet (a crash in between) is found again: `recorded` when it is
   * this very rating (a retry).
   */
  private async nextRatingId(rating: RatingInput, party: Party, known: number): Promise<{ id: string; recorded: boolean }> {
    for (let sequence = known + 1; sequence <= known + MAX_SEQUENCE_TRIES; sequence += 1) {
      const id = marketplaceUuid(`rating/${rating.reservationId}/${party.key}/${sequence}`);
      const stored = await this.options.statements.get(id);
      if (stored === undefined) return { id, recorded: false };
      const recorded = stored.voided ? undefined : ratingIn(stored.statement, this.options.publicUrl);
      if (recorded !== undefined && sameRating({ ...recorded.scores, review: recorded.review }, rating)) return { id, recorded: true };
    }
    throw new HttpError(409, 'RATING_BUSY', `Reservation ${rating.reservationId} has too many ratings recorded but not applied yet: try again later`);
  }
}

function sameRating(known: Scores & { review?: string }, rating: RatingInput): boolean {
  return DIMENSIONS.every((dimension) => known[dimension] === rating.scores[dimension]) && known.review === rating.review;
}

type RatingFacts = Omit<RatingRecord, 'position'>;

function ratingRecord({ rater, scores, review, ...facts }: RatedStatement, storedMs: number): RatingFacts {
  return { ...facts, ...scores, rater: rater.key, ...(rater.name !== undefined && { raterName: rater.name }), ...(review !== undefined && { review }), storedMs };
}

function summaryOf({ spaceId: _spaceId, appliedPosition: _position, appliedAtPosition: _events, ...summary }: SummaryRecord): RatingSummary {
  return summary;
}

function ratingView(id: string, record: RatingFacts): RatingView {
  const { spaceId, reservationId, raterName, review, storedMs } = record;
  const scores = Object.fromEntries(DIMENSIONS.map((dimension) => [dimension, record[dimension]])) as Scores;
  return { id, spaceId, reservationId, ...(raterName !== undefined && { raterName }), ...scores, ...(review !== undefined && { review }), at: new Date(storedMs).toISOString() };
}
