/**
 * The reputation ledger (docs/reputation.md): what the statements say about ratings, kept in
 * derived stores by `apply`, and the scores read from them. `apply` is state-based and idempotent:
 * a rating arriving in stored order takes its case's summary in O(1) (case.ts); a voiding,
 * attendance that makes a pair share a session, or a rating out of order re-resolves the case
 * from its ratings; penalties re-weigh the rater's ratings they cover. Buckets and totals follow
 * (buckets.ts).
 */
import type { Collection, FeedEvent, FeedStatement, PeopleForPlugins } from '../../../plugin-api';
import type { AgentKey, DecayCurve, ExplainedScore, RatingRecord, ReputationScore } from '../model';
import { parseAttendance } from './attendance';
import { BucketKeeper } from './buckets';
import { addRating, compareStored, emptyCase, resolveCase, type Resolution } from './case';
import { liftedPenaltyId, parsePenalty, penaltyPercentAt, type PenaltyFacts } from './penalties';
import { caseIdOf, pairOf, parseRating, secondsOf, type RatingFacts } from './rating';
import { ScoreReader } from './scores';
import { findEvery, openLedgerCollections, recordOf, type LedgerCollections, type StoredCase, type StoredRating } from './stores';
import { DAY_SEC } from './weights';

export interface LedgerOptions {
  store: <T extends object>(name: string) => Collection<T>;
  people: Pick<PeopleForPlugins, 'institutionOf'>;
  curve: DecayCurve;
  now?: () => Date;
}

export type Page<T> = { ratings: T[]; next?: string };

export class ReputationLedger {
  private readonly stores: LedgerCollections;
  private readonly buckets: BucketKeeper;
  private readonly reader: ScoreReader;
  private readonly sealMs: number;
  private readonly now: () => Date;

  constructor(private readonly options: LedgerOptions) {
    this.stores = openLedgerCollections(options.store);
    this.buckets = new BucketKeeper(this.stores);
    this.now = options.now ?? (() => new Date());
    this.reader = new ScoreReader(this.stores, options.curve, this.now);
    this.sealMs = Math.round(options.curve.sealDays * DAY_SEC * 1000);
  }

  async apply(events: FeedEvent[]): Promise<void> {
    await this.buckets.settle(); // what an interrupted batch left
    for (const event of events) {
      if (event.type === 'stored') await this.stored(event.statement);
      else await this.voided(event.statementId, event.voidedBy);
    }
    await this.buckets.settle();
  }

  score(agents: AgentKey[], at?: Date): Promise<ReputationScore> {
    return this.reader.score(agents, at);
  }

  explain(agents: AgentKey[], at?: Date, options: { withRaters: boolean } = { withRaters: true }): Promise<ExplainedScore> {
    return this.reader.explain(agents, at, options);
  }

  trend(agents: AgentKey[], days: number, at?: Date): Promise<Array<{ date: string; current: number | null; historical: number | null }>> {
    return this.reader.trend(agents, days, at);
  }

  /** Ratings about them, newest first: revealed counted ones and those sent after the reveal; sealed ones not at all. */
  ratingsAbout(agents: AgentKey[], options: { limit: number; before?: string }): Promise<Page<{ id: string; rating: RatingRecord }>> {
    const nowSec = secondsOf(this.now());
    return this.reader.newestFirst('ratee', agents, options, (rating) => (rating.state === 'counted' && rating.revealAtSec! <= nowSec) || rating.state === 'after-reveal');
  }

  /** Ratings they gave, newest first, sealed ones included (their own). */
  async ratingsBy(agents: AgentKey[], options: { limit: number; before?: string }): Promise<Page<{ id: string; rating: RatingRecord; sealed: boolean }>> {
    const nowSec = secondsOf(this.now());
    const page = await this.reader.newestFirst('rater', agents, options, () => true);
    return { ...page, ratings: page.ratings.map((entry) => ({ ...entry, sealed: entry.rating.state === 'counted' && entry.rating.revealAtSec! > nowSec })) };
  }

  async rating(id: string): Promise<RatingRecord | undefined> {
    const found = await this.stores.ratings.get(id);
    return found === undefined ? undefined : recordOf(found.value);
  }

  /** Every rating record in id order after `afterId`, at most `limit` (≤ 1000). */
  async ratingsAfter(afterId: string | undefined, limit: number): Promise<Array<{ id: string; rating: RatingRecord }>> {
    const page = await this.stores.ratings.find({ where: afterId === undefined ? {} : { statementId: { gt: afterId } }, orderBy: [{ field: 'statementId' }], limit: Math.min(Math.max(limit, 1), 1000) });
    return page.map(({ id, value }) => ({ id, rating: recordOf(value) }));
  }

  /** When each agent was first seen (first attendance or rating stored), in seconds; agents never seen are left out. */
  async firstSeen(agents: AgentKey[]): Promise<Map<AgentKey, number>> {
    const seen = new Map<AgentKey, number>();
    for (const agent of new Set(agents)) {
      const found = await this.stores.agents.get(agent);
      if (found !== undefined) seen.set(agent, found.value.firstSeenSec);
    }
    return seen;
  }

  private async stored(feed: FeedStatement): Promise<void> {
    const handle = this.handlerOf(feed);
    // Only for statements the ledger keeps: was it voided before this stored event arrived?
    if (handle !== undefined && (await this.stores.voided.get(feed.id)) === undefined) await handle();
  }

  /** What the statement changes in the ledger, undefined when nothing. */
  private handlerOf(feed: FeedStatement): (() => Promise<void>) | undefined {
    const parsed = parseRating(feed.statement, feed.stored);
    if ('rating' in parsed) return () => this.rated(feed.id, parsed.rating);
    const attendance = parseAttendance(feed.statement);
    if (attendance !== undefined) return () => this.attended(feed, attendance.session, attendance.participants);
    const penalty = parsePenalty(feed.statement);
    if (penalty !== undefined) {
      return async () => {
        await this.stores.penalties.put(feed.id, penalty);
        await this.reweigh(penalty);
      };
    }
    const lifted = liftedPenaltyId(feed.statement);
    if (lifted === undefined) return undefined;
    return async () => {
      await this.stores.penalties.put(feed.id, { liftOf: lifted });
      await this.reweighPenalty(lifted);
    };
  }

  private async rated(id: string, facts: RatingFacts): Promise<void> {
    await this.seen([facts.rater, facts.ratee], facts.storedSec);
    const existing = await this.stores.ratings.get(id);
    const shared = await this.shareSession(facts.session, facts.rater, facts.ratee);
    const summary = await this.caseOf(facts, shared);
    const rating: StoredRating = { ...facts, statementId: id, state: 'no-shared-session', penaltyPercent: await this.penaltyPercent(facts.rater, facts.storedSec) };
    if (existing !== undefined) {
      // Delivered again: the case is right unless the first delivery stopped before writing it.
      await this.buckets.willChange([existing.value]);
      if (summary.last === undefined || compareStored(summary.last, { storedMs: facts.storedMs, id }) < 0) await this.resolve(summary);
      return;
    }
    const change = summary.shared === shared ? addRating(summary, { ...facts, id }, this.sealMs) : undefined;
    if (change === undefined) {
      await this.stores.ratings.put(id, rating);
      return this.resolve(summary);
    }
    const resolutions = new Map(change.changes);
    await this.write(undefined, withResolution(rating, resolutions.get(id)!));
    resolutions.delete(id);
    await this.resolveOthers(resolutions);
    const current = await this.stores.cases.get(facts.caseId);
    const saved = current === undefined ? await this.stores.cases.insert(facts.caseId, { ...summary, ...change.summary }) : await this.stores.cases.update(facts.caseId, { ...summary, ...change.summary }, current.revision);
    if (!saved) await this.resolve(summary); // another instance changed the case meanwhile
  }

  private async voided(id: string, voidedBy: string): Promise<void> {
    await this.stores.voided.put(id, { voidedBy });
    const rating = await this.stores.ratings.get(id);
    if (rating !== undefined) {
      await this.write(rating.value, withResolution(rating.value, { state: 'voided' }));
      const summary = await this.stores.cases.get(rating.value.caseId);
      if (summary !== undefined) await this.resolve(summary.value);
      return;
    }
    const attendance = await this.stores.attendance.find({ where: { statementId: id } });
    if (attendance.length > 0) {
      for (const { id: attendanceId } of attendance) await this.stores.attendance.delete(attendanceId);
      return this.sharingChanged(attendance[0]!.value.session, attendance.map(({ value }) => value.agent));
    }
    const penalty = await this.stores.penalties.get(id);
    if (penalty !== undefined) {
      await this.stores.penalties.delete(id);
      await ('liftOf' in penalty.value ? this.reweighPenalty(penalty.value.liftOf) : this.reweigh(penalty.value));
    }
  }

  private async attended(feed: FeedStatement, session: string, participants: AgentKey[]): Promise<void> {
    if ((await this.options.people.institutionOf(feed.credentialKey)) === undefined) return;
    const storedSec = secondsOf(feed.stored);
    await this.seen(participants, storedSec);
    for (const agent of participants) await this.stores.attendance.put(`${feed.id}\n${agent}`, { session, agent, statementId: feed.id });
    await this.sharingChanged(session, participants);
  }

  /** Re-resolves the cases of these agents in the session whose sharing changed. */
  private async sharingChanged(session: string, agents: AgentKey[]): Promise<void> {
    for (const agent of new Set(agents)) {
      for (const [side, other] of [['first', 'second'], ['second', 'first']] as const) {
        const cases = await findEvery(this.stores.cases, { session, [side]: agent }, other);
        for (const summary of cases) {
          if ((await this.shareSession(session, summary.first, summary.second)) !== summary.shared) await this.resolve(summary);
        }
      }
    }
  }

  /** The case from every one of its ratings (bounded pages by the caseId index). */
  private async resolve(summary: StoredCase): Promise<void> {
    const caseId = caseIdOf(summary.session, summary.first, summary.second);
    const ratings = await findEvery(this.stores.ratings, { caseId }, 'statementId');
    const shared = await this.shareSession(summary.session, summary.first, summary.second);
    const voided = new Set(ratings.filter((rating) => rating.state === 'voided').map((rating) => rating.statementId));
    const resolved = resolveCase(
      ratings.map((rating) => ({ ...rating, id: rating.statementId })),
      voided,
      shared,
      this.sealMs,
    );
    await this.resolveOthers(resolved.resolutions, new Map(ratings.map((rating) => [rating.statementId, rating])));
    await this.stores.cases.put(caseId, { session: summary.session, first: summary.first, second: summary.second, ...resolved.summary });
  }

  /** Writes the resolutions that changed a rating's state or reveal. */
  private async resolveOthers(resolutions: Map<string, Resolution>, known = new Map<string, StoredRating>()): Promise<void> {
    for (const [id, resolution] of resolutions) {
      const rating = known.get(id) ?? (await this.stores.ratings.get(id))?.value;
      if (rating === undefined) continue;
      const resolved = withResolution(rating, resolution);
      if (rating.state === resolved.state && rating.revealAtSec === resolved.revealAtSec) continue;
      await this.write(rating, resolved);
    }
  }

  /** The rater's ratings a penalty covers, weighed again under the penalties now in force. */
  private async reweigh(penalty: PenaltyFacts): Promise<void> {
    const storedSec = { gte: penalty.fromSec, ...(penalty.untilSec !== undefined && { lt: penalty.untilSec }) };
    const ratings = await findEvery(this.stores.ratings, { rater: penalty.rater, storedSec }, 'statementId');
    const penalties = await this.penaltiesOf(penalty.rater);
    for (const rating of ratings) {
      const penaltyPercent = penaltyPercentAt(rating.storedSec, penalties);
      if (penaltyPercent === rating.penaltyPercent) continue;
      await this.write(rating, { ...rating, penaltyPercent });
    }
  }

  private async reweighPenalty(penaltyId: string): Promise<void> {
    const penalty = await this.stores.penalties.get(penaltyId);
    if (penalty !== undefined && !('liftOf' in penalty.value)) await this.reweigh(penalty.value);
  }

  /** Writes a rating's new state, its sums (as it was and as it is) marked to be summed again first. */
  private async write(before: StoredRating | undefined, after: StoredRating): Promise<void> {
    await this.buckets.willChange(before === undefined ? [after] : [before, after]);
    await this.stores.ratings.put(after.statementId, after);
  }

  /** The rater's penalties that no lift removed. */
  private async penaltiesOf(rater: AgentKey): Promise<PenaltyFacts[]> {
    const penalties: PenaltyFacts[] = [];
    for (const { id, value } of await this.stores.penalties.find({ where: { rater } })) {
      if (!('liftOf' in value) && (await this.stores.penalties.count({ liftOf: id })) === 0) penalties.push(value);
    }
    return penalties;
  }

  private async penaltyPercent(rater: AgentKey, storedSec: number): Promise<number> {
    return penaltyPercentAt(storedSec, await this.penaltiesOf(rater));
  }

  /** The case's summary, or a new case's. */
  private async caseOf(facts: RatingFacts, shared: boolean): Promise<StoredCase> {
    const found = await this.stores.cases.get(facts.caseId);
    if (found !== undefined) return found.value;
    const [first, second] = pairOf(facts.rater, facts.ratee);
    return { session: facts.session, first, second, ...emptyCase(shared) };
  }

  private async shareSession(session: string, one: AgentKey, other: AgentKey): Promise<boolean> {
    for (const agent of [one, other]) if ((await this.stores.attendance.find({ where: { session, agent }, limit: 1 })).length === 0) return false;
    return true;
  }

  private async seen(agents: AgentKey[], storedSec: number): Promise<void> {
    for (const agent of new Set(agents)) {
      for (;;) {
        const found = await this.stores.agents.get(agent);
        if (found === undefined ? await this.stores.agents.insert(agent, { firstSeenSec: storedSec }) : found.value.firstSeenSec <= storedSec || (await this.stores.agents.update(agent, { firstSeenSec: storedSec }, found.revision))) break;
      }
    }
  }
}

/** The rating in its resolution's state; its reveal in whole seconds (floored, as scores' times are). */
function withResolution(rating: StoredRating, resolution: Resolution): StoredRating {
  const { revealAtSec: _, sealedUntilSec: __, ...rest } = rating;
  const { state } = resolution;
  const revealAtSec = resolution.revealAtMs === undefined ? undefined : Math.floor(resolution.revealAtMs / 1000);
  return { ...rest, state, ...(revealAtSec !== undefined && { revealAtSec }), ...(revealAtSec !== undefined && revealAtSec > rating.storedSec && { sealedUntilSec: revealAtSec }) };
}
