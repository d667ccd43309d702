/**
 * The communities feature alone on a whole LRS, as index.ts wires it, with a small in-memory
 * AdoptedProposals (proposals/'s port) that tests fill: statements go through the real recording,
 * profile enforcement (reject mode: a statement the feature builds outside its template fails the
 * test) and event delivery; stores are the engine's under test. Named `.contract.ts` so that the
 * build, the import graph and jest leave it out.
 */
import path from 'node:path';
import { Router } from 'express';
import request from 'supertest';
import { GovernanceTestLrs } from '../../../../test-support/governance';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin, type CommunityGovernance, type PluginStatements } from '../../../plugin-api';
import { GOVERNANCE_SCOPES, type Acting } from '../acting';
import type { AdoptedProposals, DecisionView, ProposalView } from '../model';
import { COMMUNITY_STORES, Communities, communityRoutes, governanceService } from './index';

export const GOVERNANCE_PROFILE = 'https://w3id.org/keiko/profiles/governance';

/** Proposals by id, with their decisions, as proposals/ would answer them. */
export class ProposalsInMemory implements AdoptedProposals {
  readonly proposals = new Map<string, ProposalView>();

  async proposal(id: string): Promise<ProposalView | undefined> {
    return this.proposals.get(id);
  }

  async decisionOf(id: string): Promise<DecisionView | undefined> {
    return this.proposals.get(id)?.decision;
  }
}

export interface CommunitiesHarness {
  lrs: GovernanceTestLrs;
  communities: Communities;
  proposals: ProposalsInMemory;
  /** The plugin's own statements (to record decisions as proposals/ would). */
  statements: PluginStatements;
  /** The `governance` service as another plugin sees it (context.service). */
  service: () => CommunityGovernance | undefined;
  close(): Promise<void>;
}

export async function startCommunitiesLrs(engine: StorageEngine): Promise<CommunitiesHarness> {
  const proposals = new ProposalsInMemory();
  let communities: Communities | undefined;
  let statements: PluginStatements | undefined;
  let service: (() => CommunityGovernance | undefined) | undefined;
  const plugin = definePlugin({
    manifest: { name: 'governance', version: '0.0.1', description: 'communities test', profiles: [], scopes: GOVERNANCE_SCOPES, stores: COMMUNITY_STORES, jobs: [], openapi: 'communities/openapi.yaml' },
    setup(context) {
      statements = context.statements;
      service = () => context.service('governance');
      communities = new Communities({ store: (name) => context.store(name), statements: context.statements, publicUrl: context.publicUrl, proposals: () => proposals });
      const acting: Acting = { people: context.people, http: context.http, publicUrl: context.publicUrl };
      return {
        routes: Router().use(communityRoutes({ communities, acting })),
        onEvents: (events) => communities!.apply(events),
        services: { governance: governanceService(communities) },
      };
    },
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await GovernanceTestLrs.start({}, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  await request(lrs.lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.admin).send({ profile: GOVERNANCE_PROFILE, mode: 'reject' }).expect(200);
  return { lrs, communities: communities!, proposals, statements: statements!, service: service!, close: () => lrs.close() };
}
