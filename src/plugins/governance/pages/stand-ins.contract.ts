/**
 * The governance pages on a small app around the web shell, with in-memory stand-ins of
 * communities/ and proposals/ that answer fixed data and record what the pages' forms send them
 * (pages.stand-ins.test.ts, pages.stand-ins.browser.test.ts). Named `.contract.ts` so that the
 * build, the import graph and jest leave it out.
 */
import type { Express } from 'express';
import { pluginPagesTestApp } from '../../../../test-support/web-pages';
import { ConflictError, NotFoundError, type CommunityRecognition } from '../../../plugin-api';
import type { Acting } from '../acting';
import { ballotSetAssets, publishBallotSet, pseudonym, type InclusionProof } from '../ballot-set';
import type { CommunityView, DecisionView, Membership, ProposalView, VotingRules } from '../model';
import { governancePages } from './routes';
import type { AnchoringForPages, CommunitiesForPages, OwnBallot, ProposalsForPages } from './sources';

export const NOW = Date.parse('2027-03-10T10:00:00Z');
export const ANA = { objectType: 'Agent' as const, name: 'Ana García', mbox: 'mailto:ana@example.org' };
export const ANA_KEY = 'mbox:mailto:ana@example.org';
export const BRUNO = { objectType: 'Agent' as const, name: 'Bruno Díaz', mbox: 'mailto:bruno@example.org' };
export const BRUNO_KEY = 'mbox:mailto:bruno@example.org';
export const SLUG = 'open-maths';
export const OTHER_SLUG = 'science-circle';
export const OPEN_ID = '0b6f1a52-3c1d-4e8f-9a7b-5c2d1e0f9a8b';
export const CLOSED_ID = '1c7f2b63-4d2e-4f90-8b8c-6d3e2f1a0b9c';
export const RECOGNITION_ID = '6f1c2d3e-4b5a-4c6d-8e7f-8091a2b3c4d5';
export const DELEGATION_ID = '7a2d3e4f-5c6b-4d7e-9f80-91a2b3c4d5e6';
/** Open proposals of the other methods: approval, score, and a sealed instant-runoff one Ana voted on. */
export const APPROVAL_ID = '2e9a4b85-6f40-4b12-8dae-8f5b4c3d2e1f';
export const SCORE_ID = '3fab5c96-7051-4c23-9ebf-906c5d4e3f20';
export const SEALED_ID = '40bc6da7-8162-4d34-afc0-a17d6e5f4031';

export function community(overrides: Partial<CommunityView> = {}): CommunityView {
  return {
    slug: SLUG,
    iri: `https://lrs.example/plugins/governance/communities/${SLUG}`,
    name: { en: 'Open Maths Teachers', es: 'Docentes de Mates Abiertas' },
    description: { en: 'Teachers sharing maths materials.', es: 'Docentes que comparten materiales de matemáticas.' },
    admins: [ANA_KEY],
    foundedAt: '2027-01-05T09:00:00.000Z',
    members: 3,
    ...overrides,
  };
}

export function rules(overrides: Partial<VotingRules> = {}): VotingRules {
  return {
    mechanism: 'simple-majority',
    quorum: 0.3,
    threshold: 0.5,
    opensAt: '2027-03-09T10:00:00.000Z',
    closesAt: '2027-03-12T10:00:00.000Z',
    ballotPrivacy: 'public',
    choices: ['yes', 'no', 'abstain'],
    ...overrides,
  };
}

export function proposal(overrides: Partial<ProposalView> = {}): ProposalView {
  return {
    id: OPEN_ID,
    community: SLUG,
    kind: 'standard',
    title: { en: 'Adopt the shared syllabus', es: 'Adoptar el temario común' },
    description: { en: 'One syllabus for every school.', es: 'Un temario para todos los centros.' },
    rules: rules(),
    submitter: ANA_KEY,
    registration: '3b0f3b1e-5d0a-4a86-9d7c-2b1f4c6e8a90',
    submittedAt: '2027-03-09T09:00:00.000Z',
    statementId: 'a0000000-0000-4000-8000-000000000001',
    state: 'open',
    ...overrides,
  };
}

const IRV_RULES = rules({ mechanism: 'instant-runoff', choices: ['alpha', 'beta', 'gamma', 'abstain'], opensAt: '2027-03-01T10:00:00.000Z', closesAt: '2027-03-05T10:00:00.000Z' });

/** A closed instant-runoff proposal, tallied for real by ballot-set/ (so its proof verifies), with Ana's counted vote. */
function closedRunoff(): { proposal: ProposalView; decision: DecisionView; proof: InclusionProof } {
  const ballot = (voter: string, response: string, position: number) => ({ statementId: `b0000000-0000-4000-8000-00000000000${position}`, voter, stored: '2027-03-02T10:00:00.000Z', position, kind: 'public' as const, response });
  const voters = [ANA_KEY, BRUNO_KEY, 'mbox:mailto:carla@example.org', 'mbox:mailto:dario@example.org', 'mbox:mailto:eva@example.org'];
  const { set, result, tree } = publishBallotSet({
    proposal: { id: CLOSED_ID, kind: 'standard', rules: IRV_RULES },
    eligible: voters,
    ballots: [ballot(voters[0]!, 'alpha[,]beta', 1), ballot(voters[1]!, 'beta', 2), ballot(voters[2]!, 'gamma[,]alpha', 3), ballot(voters[3]!, 'alpha', 4), ballot(voters[4]!, 'beta[,]alpha', 5)],
    delegations: [],
  });
  const decision: DecisionView = {
    statementId: 'd0000000-0000-4000-8000-000000000001',
    outcome: result.outcome,
    reason: result.reason,
    tally: result.tally,
    turnout: result.turnout,
    root: set.root,
    closedAt: '2027-03-05T10:00:20.000Z',
  };
  const proof = tree.leafOf(pseudonym(CLOSED_ID, ANA_KEY))!;
  return { proposal: proposal({ id: CLOSED_ID, title: { en: 'Pick the textbook', es: 'Elegir el libro' }, rules: IRV_RULES, state: 'closed', decision }), decision, proof };
}

/** What the stand-ins were asked, by method. */
export type Calls = Record<string, unknown[][]>;

export interface StandIns {
  communities: CommunitiesForPages;
  proposals: ProposalsForPages;
}

export const RECOGNITION: CommunityRecognition = {
  from: SLUG,
  to: OTHER_SLUG,
  fromIri: `https://lrs.example/plugins/governance/communities/${SLUG}`,
  toIri: `https://lrs.example/plugins/governance/communities/${OTHER_SLUG}`,
  scope: { verbs: ['http://adlnet.gov/expapi/verbs/completed'] },
  proposalId: RECOGNITION_ID,
  statementId: 'c0000000-0000-4000-8000-000000000001',
  grantedAt: '2027-02-01T10:00:00.000Z',
};

export function standIns(calls: Calls, anchoring: AnchoringForPages = { state: 'pending' }): StandIns {
  const record =
    <T>(name: string, answer: (...args: any[]) => T) =>
    async (...args: any[]) => {
      (calls[name] ??= []).push(args);
      return answer(...args);
    };
  const closed = closedRunoff();
  const memberships: Membership[] = [ANA, BRUNO].map((agent, index) => ({
    community: SLUG,
    member: index === 0 ? ANA_KEY : BRUNO_KEY,
    agent,
    registration: `e000000${index}-0000-4000-8000-000000000001`,
    joinedAt: '2027-01-06T09:00:00.000Z',
    joinedPosition: index + 1,
  }));
  const proposals = new Map([
    [OPEN_ID, proposal()],
    [CLOSED_ID, closed.proposal],
    [APPROVAL_ID, proposal({ id: APPROVAL_ID, title: { en: 'Pick the workshops', es: 'Elegir los talleres' }, rules: rules({ mechanism: 'approval', threshold: 0.4, choices: ['algebra', 'geometry', 'statistics', 'abstain'] }) })],
    [SCORE_ID, proposal({ id: SCORE_ID, title: { en: 'Rate the venues', es: 'Puntuar las sedes' }, rules: rules({ mechanism: 'score', threshold: 0.6, choices: ['north', 'south', 'abstain'], scoreRange: { min: 0, max: 10 } }) })],
    [SEALED_ID, proposal({ id: SEALED_ID, title: { en: 'Choose the textbook', es: 'Escoger el libro' }, rules: rules({ mechanism: 'instant-runoff', ballotPrivacy: 'commitment', choices: ['alpha', 'beta', 'gamma', 'abstain'] }) })],
  ]);
  const ballots = new Map<string, OwnBallot>([
    [CLOSED_ID, { statementId: 'b0000000-0000-4000-8000-000000000001', stored: '2027-03-02T10:00:00.000Z', response: 'alpha[,]beta' }],
    [SEALED_ID, { statementId: 'b0000000-0000-4000-8000-000000000009', stored: '2027-03-10T09:00:00.000Z', response: 'gamma[,]alpha', commitment: 'c'.repeat(64), salt: '5a17'.repeat(8) }],
  ]);
  return {
    communities: {
      list: async () => [community(), community({ slug: OTHER_SLUG, name: { en: 'Science Circle', es: 'Círculo de Ciencias' }, members: 1, admins: [BRUNO_KEY] })],
      community: async (slug) => (slug === SLUG ? community() : slug === OTHER_SLUG ? community({ slug, name: { en: 'Science Circle', es: 'Círculo de Ciencias' } }) : undefined),
      isAdmin: async (slug, who) => slug === SLUG && who === ANA_KEY,
      membersOf: async (slug) => ({ members: slug === SLUG ? memberships : [] }),
      membershipOf: async (slug, member) => (slug === SLUG ? memberships.find((membership) => membership.member === member) : undefined),
      delegationsBy: async () => ({
        given: [{ id: DELEGATION_ID, community: SLUG, delegator: ANA_KEY, delegate: BRUNO_KEY, delegateAgent: BRUNO, grantedAt: '2027-02-01T10:00:00.000Z', position: 7 }],
        received: [],
      }),
      rulesOf: async () => [
        {
          community: SLUG,
          slug: 'completions',
          iri: `https://lrs.example/plugins/governance/communities/${SLUG}/rules/completions`,
          name: { en: 'Completed courses', es: 'Cursos completados' },
          criteria: { verbs: ['http://adlnet.gov/expapi/verbs/completed'], minScaledScore: 0.5 },
          proposalId: OPEN_ID,
          adoptedAt: '2027-02-01T10:00:00.000Z',
        },
      ],
      recognitions: async () => ({ given: [RECOGNITION], received: [] }),
      pendingRecognitions: async () => [{ proposalId: RECOGNITION_ID, type: 'recognize', to: OTHER_SLUG, scope: { activityTypes: ['http://adlnet.gov/expapi/activities/course'] }, adoptedAt: '2027-03-01T10:00:00.000Z' }],
      found: record('found', () => community({ slug: 'new-community' })),
      join: record('join', () => {
        throw new ConflictError('ALREADY_MEMBER', 'You are a member of open-maths already');
      }),
      leave: record('leave', () => undefined),
      delegate: record('delegate', () => undefined),
      revokeDelegation: record('revokeDelegation', () => undefined),
      sign: record('sign', () => undefined),
    },
    proposals: {
      listFor: async () => [...proposals.values()],
      proposal: async (id) => proposals.get(id),
      ballotOf: async (id) => ballots.get(id),
      proofFor: async (id) => {
        if (id !== CLOSED_ID) throw new NotFoundError('No vote of yours was counted', 'NOT_COUNTED');
        return closed.proof;
      },
      decisionWithAnchoring: async (id) => {
        if (id !== CLOSED_ID) throw new ConflictError('NOT_CLOSED', 'still open');
        return { ...closed.decision, anchoring };
      },
      submit: record('submit', () => proposal()),
      vote: record('vote', () => undefined),
    },
  };
}

/**
 * The pages behind the web shell (pluginPagesTestApp: `x-test-roles` signs Ana in). `founder`:
 * whether Ana holds the role community-admin for the list page.
 */
export function pagesApp(calls: Calls, { founder = false, services = standIns(calls) }: { founder?: boolean; services?: StandIns } = {}): Express {
  return pluginPagesTestApp(
    (app, people) => {
      const acting = { people, publicUrl: 'https://lrs.example' } as unknown as Acting;
      app.use('/plugins/governance', ballotSetAssets());
      app.use('/plugins/governance', governancePages({ ...services, acting, people: people as never, now: () => NOW }));
    },
    { nowMs: NOW, mbox: ANA.mbox, hasRole: (role) => role === 'community-admin' && founder, logLevel: process.env.PAGES_TEST_LOG ?? 'silent' },
  );
}
