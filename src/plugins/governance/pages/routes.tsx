import { Router, type Request, type Response } from 'express';
import {
  BadRequestCode,
  BadRequestError,
  csrfToken,
  formStep,
  i18n,
  NotFoundError,
  parseUuidParameter,
  renderPage,
  requireCsrfToken,
  webPage,
  type NavItem,
  type Party,
  type PeopleForPlugins,
} from '../../../plugin-api';
import { actorOf, FOUNDER_ROLE, type Acting } from '../acting';
import { PROOF_SCRIPT_PATH } from '../ballot-set';
import type { CommunityView, ProposalView } from '../model';
import { CommunitiesPage } from './communities-page';
import { CommunityPage } from './community-page';
import { ballotInput, delegationChoice, foundInput, proposalInput } from './forms';
import { governanceMessages, type GovernanceMessages } from './messages';
import { COMMUNITY_PATH, communityPath, localized, proposalPath, recognitionsPath } from './parts';
import { ProposalPage } from './proposal-page';
import { RecognitionsPage } from './recognitions-page';
import type { CommunitiesForPages, ProposalsForPages } from './sources';

export const GOVERNANCE_NAV: NavItem[] = [{ href: COMMUNITY_PATH, label: { en: 'Communities', es: 'Comunidades' } }];

/** Members the delegate form offers. */
export const MEMBERS_SHOWN = 500;

/** A community's slug as C's routes take it. */
const SLUG = /^[a-z0-9][a-z0-9-]{2,63}$/;

export interface GovernancePagesOptions {
  communities: CommunitiesForPages;
  proposals: ProposalsForPages;
  acting: Acting;
  people: Pick<PeopleForPlugins, 'requireSignIn' | 'requireRole' | 'hasRole' | 'signedIn'>;
  now?: () => number;
}

/**
 * The governance web pages, mounted at /plugins/governance (docs/governance.md): the communities,
 * a community, a proposal and a community's recognitions. Every form posts with a CSRF token to a
 * handler that calls the same service the JSON API calls, as the signed-in person, then 303 back;
 * a step the service refuses shows why in the page's language.
 */
export function governancePages(options: GovernancePagesOptions): Router {
  const router = Router();
  const page = [webPage(), options.people.requireSignIn()];
  const form = [...page, ...requireCsrfToken()];
  const founderForm = [webPage(), options.people.requireRole(FOUNDER_ROLE), ...requireCsrfToken()];
  const pages = new Pages(options);
  const { communities, proposals } = options;

  const community = (req: Request) => communityPath(slugOf(req));
  const proposal = (req: Request) => proposalPath(proposalIdOf(req));

  router.get('/community', ...page, (req, res) => pages.communities(req, res));
  router.post('/community', ...founderForm, (req, res) =>
    pages.step(req, res, () => COMMUNITY_PATH, async (party) => communityPath((await communities.found(party, foundInput(req.body, i18n(res).locale))).slug)),
  );
  router.get('/community/:slug', ...page, (req, res) => pages.community(req, res));
  router.post('/community/:slug/join', ...form, (req, res) => pages.step(req, res, community, (party) => communities.join(party, slugOf(req))));
  router.post('/community/:slug/leave', ...form, (req, res) => pages.step(req, res, community, (party) => communities.leave(party, slugOf(req))));
  router.post('/community/:slug/delegations', ...form, (req, res) => pages.step(req, res, community, (party) => pages.delegate(req, party)));
  router.post('/community/:slug/delegations/:id/revoke', ...form, (req, res) =>
    pages.step(req, res, community, (party) => communities.revokeDelegation(party, slugOf(req), parseUuidParameter('id', String(req.params.id)))),
  );
  router.post('/community/:slug/proposals', ...form, (req, res) =>
    pages.step(req, res, community, async (party) => proposalPath((await proposals.submit(party, slugOf(req), proposalInput(req.body, i18n(res).locale))).id)),
  );
  router.get('/community/:slug/recognitions', ...page, (req, res) => pages.recognitions(req, res));
  // Signing is administering, as for the JSON route: a person needs the role community-admin, and the service checks they administer this community.
  router.post('/community/:slug/recognitions/:proposalId/sign', ...founderForm, (req, res) =>
    pages.step(req, res, (req) => recognitionsPath(slugOf(req)), (party) => communities.sign(party, slugOf(req), parseUuidParameter('proposalId', String(req.params.proposalId)))),
  );
  router.get('/proposal/:id', ...page, (req, res) => pages.proposal(req, res));
  router.post('/proposal/:id/vote', ...form, (req, res) => pages.step(req, res, proposal, (party) => pages.vote(req, party)));
  return router;
}

function slugOf(req: Request): string {
  const slug = String(req.params.slug);
  if (!SLUG.test(slug)) throw new BadRequestError(BadRequestCode.InvalidParameter, 'slug must be 3 to 64 lowercase letters, digits and hyphens');
  return slug;
}

function proposalIdOf(req: Request): string {
  return parseUuidParameter('id', String(req.params.id));
}

/** The handlers, sharing the options. */
class Pages {
  private readonly now: () => number;

  constructor(private readonly options: GovernancePagesOptions) {
    this.now = options.now ?? Date.now;
  }

  async communities(req: Request, res: Response): Promise<void> {
    const personId = this.options.people.signedIn(req)?.person.id;
    const [communities, mayFound] = await Promise.all([
      this.options.communities.list(),
      personId === undefined ? false : this.options.people.hasRole(personId, FOUNDER_ROLE),
    ]);
    renderPage(res, { title: this.messages(res).communitiesTitle, body: <CommunitiesPage view={{ communities, mayFound, csrf: csrfToken(res) }} /> });
  }

  async community(req: Request, res: Response): Promise<void> {
    const community = await this.communityOf(slugOf(req));
    const { communities, proposals } = this.options;
    const party = await this.party(req);
    const [membership, isAdmin, proposalList, rules] = await Promise.all([
      communities.membershipOf(community.slug, party.key),
      communities.isAdmin(community.slug, party.key),
      proposals.listFor(community.slug),
      communities.rulesOf(community.slug),
    ]);
    const [{ members }, delegations] = membership === undefined
      ? [{ members: [] }, { given: [], received: [] }]
      : await Promise.all([communities.membersOf(community.slug, MEMBERS_SHOWN), communities.delegationsBy(community.slug, party.key)]);
    const view = {
      community,
      ...(membership !== undefined && { membership }),
      isAdmin,
      members: members.filter(({ member }) => member !== party.key),
      delegations,
      proposals: proposalList,
      rules,
      nowMs: this.now(),
      csrf: csrfToken(res),
    };
    renderPage(res, { title: localized(community.name, i18n(res).locale), body: <CommunityPage view={view} /> });
  }

  async recognitions(req: Request, res: Response): Promise<void> {
    const community = await this.communityOf(slugOf(req));
    const party = await this.party(req);
    const [{ given, received }, awaiting, isAdmin] = await Promise.all([
      this.options.communities.recognitions(community.slug),
      this.options.communities.pendingRecognitions(community.slug),
      this.options.communities.isAdmin(community.slug, party.key),
    ]);
    const title = this.messages(res).recognitionsTitle(localized(community.name, i18n(res).locale));
    renderPage(res, { title, body: <RecognitionsPage view={{ community: community.slug, recognitions: { given, received }, awaiting, isAdmin, csrf: csrfToken(res) }} /> });
  }

  async proposal(req: Request, res: Response): Promise<void> {
    const proposal = await this.proposalOf(req);
    const { communities, proposals } = this.options;
    const party = await this.party(req);
    const closed = proposal.state === 'closed';
    const [community, membership, ballot, decision, proof] = await Promise.all([
      communities.community(proposal.community),
      communities.membershipOf(proposal.community, party.key),
      proposals.ballotOf(proposal.id, party.key),
      closed ? proposals.decisionWithAnchoring(proposal.id) : undefined,
      closed ? proposals.proofFor(proposal.id, party.key).catch(undefinedWhenNotFound) : undefined,
    ]);
    const nowMs = this.now();
    const locale = i18n(res).locale;
    const open = !closed && Date.parse(proposal.rules.opensAt) <= nowMs && nowMs < Date.parse(proposal.rules.closesAt);
    const view = {
      proposal,
      communityName: community === undefined ? proposal.community : localized(community.name, locale),
      ...(decision !== undefined && { decision }),
      ...(ballot !== undefined && { ballot }),
      ...(proof !== undefined && { proof }),
      mayVote: open && membership !== undefined,
      nowMs,
      csrf: csrfToken(res),
    };
    renderPage(res, {
      title: localized(proposal.title, locale),
      body: <ProposalPage view={view} />,
      ...(proof !== undefined && { scripts: [PROOF_SCRIPT_PATH] }),
    });
  }

  /** The delegate form names a member by key; the service takes their Agent. */
  async delegate(req: Request, party: Party): Promise<unknown> {
    const slug = slugOf(req);
    const { delegate, proposalKind } = delegationChoice(req.body);
    const membership = await this.options.communities.membershipOf(slug, delegate);
    if (membership === undefined) throw new BadRequestError(BadRequestCode.InvalidParameter, 'delegate: choose a member of the community');
    return this.options.communities.delegate(party, slug, { delegate: membership.agent, ...(proposalKind !== undefined && { proposalKind }) });
  }

  /** The vote form read by the proposal's own voting method. */
  async vote(req: Request, party: Party): Promise<unknown> {
    const proposal = await this.proposalOf(req);
    return this.options.proposals.vote(party, proposal.id, ballotInput(req.body, proposal.rules));
  }

  /** A form's step as the signed-in person (the web shell's formStep), back to the page `from` names. */
  async step(req: Request, res: Response, from: (req: Request) => string, run: (party: Party) => Promise<unknown>): Promise<void> {
    await formStep(res, {
      run: async () => run(await this.party(req)),
      from: () => from(req),
      fallback: COMMUNITY_PATH,
      explain: (code, locale) => explained(governanceMessages(locale), code),
    });
  }

  private async communityOf(slug: string): Promise<CommunityView> {
    const community = await this.options.communities.community(slug);
    if (community === undefined) throw new NotFoundError('No such community.', 'COMMUNITY_NOT_FOUND');
    return community;
  }

  private async proposalOf(req: Request): Promise<ProposalView> {
    const proposal = await this.options.proposals.proposal(proposalIdOf(req));
    if (proposal === undefined) throw new NotFoundError('No such proposal.', 'PROPOSAL_NOT_FOUND');
    return proposal;
  }

  private party(req: Request): Promise<Party> {
    return actorOf(req, this.options.acting);
  }

  private messages(res: Response) {
    return governanceMessages(i18n(res).locale);
  }
}

/** The pages' explanation of a refusal's code, undefined for the web shell's generic one. */
function explained(m: GovernanceMessages, code: string): string | undefined {
  return Object.hasOwn(m.problems, code) ? m.problems[code] : undefined;
}

/** A proof not found: no vote of the voter was counted, which the page says. */
function undefinedWhenNotFound(error: unknown): undefined {
  if (error instanceof NotFoundError) return undefined;
  throw error;
}
