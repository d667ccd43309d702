import type { PeopleForPlugins, SignedIn } from '../../../plugin-api';
import { learnerAgent, PASSPORT_CATEGORY, passportActivity } from '../export/passport-activity';
import type { Share } from './share-store';

type Person = Pick<SignedIn['person'], 'id' | 'name'>;

const SHARED = 'http://adlnet.gov/expapi/verbs/shared';
const UNSHARED = 'http://activitystrea.ms/schema/1.0/unshare';
const SHARE_EXTENSION = 'https://w3id.org/keiko/profiles/passport/extensions/share';

/** The statements recording a person's sharing, as the passport profile's templates share-created and share-revoked describe them. */
export class ShareStatements {
  constructor(
    private readonly people: PeopleForPlugins,
    private readonly publicUrl: string,
  ) {}

  /**
   * share-created: the person (their first linked identity) shared their passport: the share's
   * id, scope, expiry and items (for a selection), never its token. Undefined for a person with
   * no identity (who has nothing to share).
   */
  async created(person: Person, share: Share): Promise<object | undefined> {
    const { id, expiresAt, scope, items } = share;
    const extension = { id, expiresAt, scope, ...(scope !== 'all' && { items }), itemCount: items.length };
    return this.statement(person, share, SHARED, 'shared', { extensions: { [SHARE_EXTENSION]: extension } });
  }

  /** share-revoked, referring to the share-created statement. */
  async revoked(person: Person, share: Share): Promise<object | undefined> {
    const creation = share.createdStatementId === undefined ? {} : { statement: { objectType: 'StatementRef', id: share.createdStatementId } };
    return this.statement(person, share, UNSHARED, 'unshared', creation);
  }

  private async statement(person: Person, share: Share, verb: string, display: string, context: object): Promise<object | undefined> {
    const actor = learnerAgent(person, await this.people.identitiesOf(person.id));
    if (actor === undefined) return undefined;
    return {
      actor,
      verb: { id: verb, display: { en: display } },
      object: passportActivity(this.publicUrl, person),
      context: { registration: share.id, ...context, contextActivities: { category: [PASSPORT_CATEGORY] } },
      timestamp: share.revokedAt ?? share.createdAt,
    };
  }
}
