import { Router } from 'express';
import { definePlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { APPEAL_SCOPES, APPEAL_STORES, setUpAppeals } from './appeals';
import { FRAUD_SCAN_JOB, FRAUD_STORES, FraudFlags } from './fraud';
import { REPUTATION_NAV, reputationPages, reputationSummaries } from './pages';
import { LEDGER_STORES, ratingRoutes, READ_SCOPE, ReputationLedger } from './ratings';
import { readReputationSettings, type ReputationSettings } from './settings';

/**
 * People's reputation (docs/reputation.md, issue 12): ratings between people who shared a session,
 * weighted by recency from `stored`, sealed until both sides rated, appealed before moderators,
 * watched for fraud, every score explained. Its xAPI profile is one of Keiko's built-in profiles
 * (src/profiles/keiko/reputation), so the manifest declares none.
 */
export default definePlugin({
  manifest: {
    name: 'reputation',
    version: '0.1.0',
    description: 'Ratings between people who shared a session: recency-weighted scores that explain themselves, appeals and fraud signals.',
    profiles: [],
    scopes: { [READ_SCOPE]: "Read anyone's reputation score and its explanation", ...APPEAL_SCOPES },
    stores: { ...LEDGER_STORES, ...APPEAL_STORES, ...FRAUD_STORES },
    jobs: [FRAUD_SCAN_JOB],
    openapi: ['ratings/openapi.yaml', 'pages/openapi.yaml', 'appeals/openapi.yaml'],
  },
  settings: readReputationSettings,
  setup: setUpReputation,
});

const MODERATION_NAV = { href: '/plugins/reputation/moderation', label: { en: 'Moderation', es: 'Moderación' }, role: 'moderator' };

function setUpReputation(context: PluginContext): PluginHooks {
  const { curve, fraudScanCron } = context.settings as ReputationSettings;
  const ledger = new ReputationLedger({ store: (name) => context.store(name), people: context.people, curve });
  const flags = new FraudFlags({ store: (name) => context.store(name), statements: context.statements, ledger, logger: context.logger, publicUrl: context.publicUrl });
  const { appeals, routes: appealRouter } = setUpAppeals(context, ledger, () => flags);
  return {
    routes: Router()
      .use(ratingRoutes({ ledger, curve, http: context.http, people: context.people }))
      .use(reputationPages({ ledger, appeals, people: context.people, windowDays: curve.windowDays }))
      .use(appealRouter),
    nav: [REPUTATION_NAV, MODERATION_NAV],
    // Appeals read the ledger's ratings, so the ledger goes first; flags read only their own statements.
    onEvents: async (events) => {
      await ledger.apply(events);
      await flags.apply(events);
      await appeals.apply(events);
    },
    services: { reputation: reputationSummaries(ledger) },
    jobs: { [FRAUD_SCAN_JOB]: { schedule: fraudScanCron, run: flags.scanJob() } },
  };
}
