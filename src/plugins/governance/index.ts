import { definePlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { GOVERNANCE_SCOPES } from './acting';
import { readGovernanceSettings } from './settings';

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
    stores: {},
    jobs: [],
  },
  settings: readGovernanceSettings,
  setup: setUpGovernance,
});

function setUpGovernance(_context: PluginContext): PluginHooks {
  return {};
}
