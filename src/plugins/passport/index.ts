import { definePlugin, type PluginContext, type PluginHooks } from '../../plugin-api';
import { ANALYTICS_NAV, analyticsRoutes } from './analytics/routes';
import { CREDENTIAL_STORES, readCredentialSettings, verifierScriptPath, type CredentialSettings } from './credentials';
import { setUpCredentials } from './credentials/setup';
import { exportRoutes } from './export/routes';
import { PRIVACY_STORES, PrivacyStore, type PrivacySettings } from './privacy';
import { passportRoutes } from './routes';
import { SHARES_STORES, shareRoutes, shareSummaries } from './shares';
import { timelineForms } from './timeline-forms/routes';
import { TIMELINE_NAV, timelinePage } from './timeline-page';
import type { TimelineEntry } from './timeline-entries';
import { PASSPORT_STORES, TimelineIndex } from './timeline-index';

/**
 * The Life Learning Passport (docs/passport.md, issue 11): every statement about a learner, from
 * every institution, as a timeline the learner reads signed in. Its xAPI profile is one of Keiko's
 * built-in profiles (src/profiles/keiko/passport), so the manifest declares none.
 */
export default definePlugin({
  manifest: {
    name: 'passport',
    version: '0.2.0',
    description: "A learner's timeline of every statement about any of their linked identities, across institutions, with what they hide of it.",
    profiles: [],
    scopes: {},
    stores: { ...PASSPORT_STORES, ...PRIVACY_STORES, ...CREDENTIAL_STORES, ...SHARES_STORES },
    jobs: [],
    openapi: ['openapi.yaml', 'timeline-forms/openapi.yaml', 'credentials/openapi.yaml', 'shares/openapi.yaml', 'export/openapi.yaml', 'analytics/openapi.yaml'],
  },
  settings: readCredentialSettings,
  setup: setUpPassport,
});

const SHARES_NAV = { href: '/plugins/passport/shares', label: { en: 'Shares', es: 'Compartidos' } };

async function setUpPassport(context: PluginContext): Promise<PluginHooks> {
  const timeline = new TimelineIndex(context.store<TimelineEntry>('entries'), context.store('words'));
  const privacy = new PrivacyStore(context.store<PrivacySettings>('privacy'));
  const credentials = await setUpCredentials(context, context.settings as CredentialSettings);
  return {
    routes: passportRoutes({ timeline, privacy, people: context.people, jsonBody: context.http.jsonBody, receipts: () => context.service('receipts') })
      .use(analyticsRoutes({ entries: context.store<TimelineEntry>('entries'), people: context.people, reputation: () => context.service('reputation') }))
      .use(timelinePage({ timeline, privacy, people: context.people, receipts: () => context.service('receipts') }))
      .use(timelineForms({ privacy, people: context.people, statements: context.statements, receipts: () => context.service('receipts') }))
      .use(credentials.routes)
      .use(shareRoutes(context, { timeline, privacy, signer: credentials.issuer, verifierScript: verifierScriptPath }))
      .use(exportRoutes({ timeline, privacy, people: context.people, statements: context.statements, receipts: () => context.service('receipts'), achievementCredential: (item) => credentials.issuer.achievementCredential(item), sharesOf: shareSummaries(context), publicUrl: context.publicUrl, logger: context.logger })),
    nav: [TIMELINE_NAV, ANALYTICS_NAV, SHARES_NAV],
    onEvents: (events) => timeline.apply(events),
  };
}
