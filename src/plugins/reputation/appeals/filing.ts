import { randomUUID } from 'node:crypto';
import { ConflictError, HttpError, ifiKey, NotFoundError, type PeopleForPlugins, type PluginStatements, type SignedIn } from '../../../plugin-api';
import type { RatingRecord } from '../model';
import type { Appeals, RatingParties } from './appeals';
import type { AppealGrounds } from './records';
import { appealStatement, replyStatement, type Actor } from './statements';

export const FilingCode = {
  RatingNotFound: 'RATING_NOT_FOUND',
  NotTheRatee: 'NOT_THE_RATEE',
  RatingVoided: 'RATING_VOIDED',
  AppealExists: 'APPEAL_EXISTS',
} as const;

export interface FilingOptions {
  appeals: Appeals;
  statements: PluginStatements;
  people: PeopleForPlugins;
  now?: () => Date;
}

/** The rated person's replies and appeals, recorded as statements of theirs (the identity that was rated). */
export class Filing {
  private readonly now: () => Date;

  constructor(private readonly options: FilingOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async reply(person: SignedIn['person'], ratingId: string, text: string): Promise<string> {
    const { actor } = await this.ratee(person, ratingId);
    const [id] = await this.options.statements.record([replyStatement(actor, ratingId, text, randomUUID())], { applied: true });
    return id!;
  }

  /** Files an appeal: its id is the new statement's id and registration. 409 while another is open. */
  async appeal(person: SignedIn['person'], ratingId: string, grounds: AppealGrounds, reason: string): Promise<string> {
    const { actor } = await this.ratee(person, ratingId);
    const open = await this.options.appeals.openAppealOf(ratingId);
    if (open !== undefined) throw new ConflictError(FilingCode.AppealExists, `This rating already has an open appeal (${open.id}); wait for its decision`);
    const appealId = randomUUID();
    await this.options.statements.record([appealStatement(actor, ratingId, appealId, grounds, reason)], { applied: true });
    return appealId;
  }

  /**
   * The person's identity that was rated, as the actor of their statement: 404 for a rating that
   * is unknown, not shown to them (sealed, not counted) or not about them (nothing said of others' ratings), 403 for its
   * rater, 409 once void.
   */
  private async ratee(person: SignedIn['person'], ratingId: string): Promise<{ actor: Actor; parties: RatingParties }> {
    const notFound = new NotFoundError(`No rating ${ratingId} about you`, FilingCode.RatingNotFound);
    const parties = await this.options.appeals.ratingParties(ratingId);
    if (parties === undefined) throw notFound;
    const identities = await this.options.people.identitiesOf(person.id);
    const rated = identities.find((identity) => ifiKey(identity) === parties.ratee.key);
    if (rated === undefined) {
      if (identities.some((identity) => ifiKey(identity) === parties.rater.key)) {
        throw new HttpError(403, FilingCode.NotTheRatee, 'You gave this rating: only the rated person replies to it or appeals it');
      }
      throw notFound;
    }
    const { rating } = parties;
    if (rating === undefined || rating.state === 'voided') throw new ConflictError(FilingCode.RatingVoided, 'This rating is void: it counts nowhere');
    if (!this.shownToRatee(rating)) throw notFound;
    return { actor: { objectType: 'Agent', name: parties.ratee.name ?? person.name, ...rated }, parties };
  }

  /** As the ledger's ratingsAbout shows them: revealed counted ratings and those sent after the reveal (sealed ones are not shown yet). */
  private shownToRatee(rating: RatingRecord): boolean {
    if (rating.state === 'after-reveal') return true;
    return rating.state === 'counted' && (rating.revealAtSec ?? 0) * 1000 <= this.now().getTime();
  }
}

