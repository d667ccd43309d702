import { Router, type Request } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  csrfToken,
  i18n,
  identifierOfKey,
  ifiKey,
  NotFoundError,
  parseUuidParameter,
  renderPage,
  singleParameters,
  webPage,
  type NavItem,
  type PeopleForPlugins,
} from '../../../plugin-api';
import type { AgentKey } from '../model';
import { reputationMessages } from './messages';
import { MyReputationPage, type MyReputation } from './my-page';
import { ScoreSection, type ScoreFigures } from './score-section';
import { reputationOf, type AppealsReader, type RatingsReader, type ScoreReader } from './sources';

export const MY_REPUTATION_PATH = '/plugins/reputation/me';
export const REPUTATION_NAV: NavItem = { href: MY_REPUTATION_PATH, label: { en: 'Reputation', es: 'Reputación' } };

/** Ratings per page of each list on the person's own page. */
export const RATINGS_PER_PAGE = 20;
/** Appeals listed on the person's own page, newest first (each reads its rating). */
export const MAX_APPEALS_SHOWN = 50;
/** Longest cursor accepted from a query (the ledger's cursors are far shorter). */
const MAX_CURSOR_LENGTH = 200;

export interface ReputationPagesOptions {
  ledger: RatingsReader;
  appeals: AppealsReader;
  people: Pick<PeopleForPlugins, 'requireSignIn' | 'signedIn' | 'identitiesOf' | 'personOf'>;
  /** The decay window (days), which the page states. */
  windowDays: number;
}

/**
 * Mounted at /plugins/reputation: GET /me (the signed-in person's reputation, everything about
 * their ratings) and GET /people/:personId (another person's public figures: no raters, no comments).
 */
export function reputationPages({ ledger, appeals, people, windowDays }: ReputationPagesOptions): Router {
  const router = Router();
  router.get('/me', webPage(), people.requireSignIn(), async (req, res) => {
    const agents = await agentKeysOf(people, people.signedIn(req)!.person.id);
    const reputation = await myReputation({ ledger, appeals, people, windowDays }, agents, cursorsOf(req), csrfToken(res));
    renderPage(res, { title: reputationMessages(i18n(res).locale).myTitle, body: <MyReputationPage reputation={reputation} /> });
  });
  router.get('/people/:personId', webPage(), people.requireSignIn(), async (req, res) => {
    const personId = parseUuidParameter('personId', String(req.params.personId));
    const identities = await people.identitiesOf(personId);
    if (identities.length === 0) throw new NotFoundError('No such person.', 'PERSON_NOT_FOUND');
    const name = (await people.personOf(identities[0]!))?.name;
    const figures = await scoreFigures(ledger, keysOf(identities), windowDays);
    const m = reputationMessages(i18n(res).locale);
    renderPage(res, {
      title: m.personTitle(name ?? m.someone),
      body: (
        <>
          <p class="lead">{m.personLead}</p>
          <ScoreSection figures={figures} />
        </>
      ),
    });
  });
  return router;
}

/** The IFI keys of a person's linked identities: their ratings under any of them are theirs. */
async function agentKeysOf(people: Pick<PeopleForPlugins, 'identitiesOf'>, personId: string): Promise<AgentKey[]> {
  return keysOf(await people.identitiesOf(personId));
}

function keysOf(identities: object[]): AgentKey[] {
  return [...new Set(identities.map((identity) => ifiKey(identity)).filter((key): key is string => key !== undefined))];
}

async function scoreFigures(ledger: ScoreReader, agents: AgentKey[], windowDays: number): Promise<ScoreFigures> {
  return { ...(await reputationOf(ledger, agents)), windowDays };
}

async function myReputation(
  { ledger, appeals, people, windowDays }: ReputationPagesOptions,
  agents: AgentKey[],
  cursors: MyReputation['cursors'],
  csrf: string,
): Promise<MyReputation> {
  const [figures, received, given, appealed] = await Promise.all([
    scoreFigures(ledger, agents, windowDays),
    ledger.ratingsAbout(agents, { limit: RATINGS_PER_PAGE, ...(cursors.received !== undefined && { before: cursors.received }) }),
    ledger.ratingsBy(agents, { limit: RATINGS_PER_PAGE, ...(cursors.given !== undefined && { before: cursors.given }) }),
    appeals.appealsFor(agents),
  ]);
  const [replies, ratees] = await Promise.all([appeals.repliesTo(received.ratings.map(({ id }) => id)), personIdsOf(people, given.ratings.map(({ rating }) => rating.ratee))]);
  const shown = appealed.slice(0, MAX_APPEALS_SHOWN);
  const ratings = await Promise.all(shown.map((appeal) => ledger.rating(appeal.ratingId)));
  return {
    figures,
    received,
    given,
    replies,
    personIds: ratees,
    appeals: shown.map((appeal, index) => ({ appeal, ...(ratings[index] && { rating: ratings[index] }) })),
    cursors,
    csrfToken: csrf,
  };
}

/** The person each agent is linked to, for those linked (the ratings given link to their pages). */
async function personIdsOf(people: Pick<PeopleForPlugins, 'personOf'>, agents: AgentKey[]): Promise<Map<AgentKey, string>> {
  const unique = [...new Set(agents)];
  const found = await Promise.all(unique.map(async (key) => {
    const identifier = identifierOfKey(key);
    return identifier && (await people.personOf(identifier))?.id;
  }));
  return new Map(unique.flatMap((key, index) => (found[index] === undefined ? [] : [[key, found[index]] as const])));
}

/** The `received` and `given` cursors of the query (each at most once, bounded), or 400. */
function cursorsOf(req: Request): MyReputation['cursors'] {
  const query = singleParameters(req.query, { resource: 'the reputation page', optional: ['received', 'given', 'lang'] });
  const cursors: MyReputation['cursors'] = {};
  for (const name of ['received', 'given'] as const) {
    const value = query[name];
    if (value === undefined) continue;
    if (value.length > MAX_CURSOR_LENGTH) throw new BadRequestError(BadRequestCode.InvalidCursor, `The ${name} cursor is not one this page gave.`);
    cursors[name] = value;
  }
  return cursors;
}
