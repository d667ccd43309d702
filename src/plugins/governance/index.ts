import { Router } from 'express';
import { definePlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { GOVERNANCE_SCOPES, type Acting } from './acting';
import { ballotSetAssets } from './ballot-set';
import { COMMUNITY_STORES, Communities, communityRoutes, governanceService } from './communities';
import { registerGovernanceMetrics } from './metrics';
import { GOVERNANCE_NAV, governancePages } from './pages';
import { CLOSE_JOB, PROPOSAL_STORES, proposalRoutes, Proposals } from './proposals';
import { readGovernanceSettings, type GovernanceSettings } from './settings';

/**
 * Community governance (docs/governance.md, issue 14): communities with members, proposals whose
 * voting rules are fixed at submission, ballots anyone can recount, decisions whose ballot set is
 * anchored, and recognitions between communities that federation relies on. Its xAPI profile is
 * one of Keiko's built-in profiles (src/profiles/keiko/governance), so the manifest declares none.
 */
export default definePlugin({
  manifest: {
    name: 'governance',
    version: '0.1.0',
    description: 'Communities that decide by recountable votes, anchor their decisions and recognise one another.',
    profiles: [],
    scopes: GOVERNANCE_SCOPES,
    stores: { ...COMMUNITY_STORES, ...PROPOSAL_STORES },
    jobs: [CLOSE_JOB],
    openapi: ['communities/openapi.yaml', 'proposals/openapi.yaml', 'ballot-set/openapi.yaml', 'pages/openapi.yaml'],
  },
  settings: readGovernanceSettings,
  setup: setUpGovernance,
});

function setUpGovernance(context: PluginContext): PluginHooks {
  const { closeCron, closeGraceMs } = context.settings as GovernanceSettings;
  const store = (name: string) => context.store(name);
  const { statements, publicUrl, people } = context;
  const acting: Acting = { people, http: context.http, publicUrl };
  // Each needs the other: proposals ask communities who may vote, communities ask which proposals were adopted.
  let proposals: Proposals | undefined;
  const communities = new Communities({ store, statements, publicUrl, proposals: () => proposals });
  proposals = new Proposals({ store, statements, publicUrl, communities, receipts: () => context.service('receipts'), closeGraceMs });
  registerGovernanceMetrics(context.metrics, store('proposals'), closeGraceMs);
  return {
    routes: Router()
      .use(ballotSetAssets())
      .use(communityRoutes({ communities, acting }))
      .use(proposalRoutes({ proposals, acting }))
      .use(governancePages({ communities, proposals, acting, people })),
    nav: GOVERNANCE_NAV,
    // Applying proposals reads nothing of the communities' stores, so the order only keeps the feed's.
    onEvents: async (events) => {
      await communities.apply(events);
      await proposals!.apply(events);
    },
    jobs: { [CLOSE_JOB]: { schedule: closeCron, run: async () => void (await proposals!.closeDue()) } },
    services: { governance: governanceService(communities) },
  };
}
