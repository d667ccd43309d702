import type { PluginContext } from '../../../plugin-api';
import { Appeals, type RatingLookup } from './appeals';
import { Filing } from './filing';
import { Moderation, type FlagDecision, type FlagSource } from './moderation';
import { appealRoutes } from './routes';

export { APPEAL_STORES, Appeals, type AppealView, type RatingLookup, type ReplyView } from './appeals';
export type { FlagSource, FlagView } from './moderation';
export { appealRoutes, MODERATE_SCOPE } from './routes';

/** The manifest's scope for the moderators' JSON API (plugins/reputation/moderate). */
export const APPEAL_SCOPES = { moderate: 'Decide appeals (review, uphold, reject), confirm or dismiss fraud flags, lift penalties' };

/**
 * Replies, appeals and moderation as the plugin's setup wires them: `appeals.apply` goes in
 * onEvents after the ledger's, `routes` under /plugins/reputation. `flags` is looked up per
 * request (helper B's FraudFlags).
 */
export function setUpAppeals(context: PluginContext, ledger: RatingLookup, flags: () => FlagSource | undefined) {
  const appeals = new Appeals({ store: (name) => context.store(name), statements: context.statements, ledger, logger: context.logger });
  const filing = new Filing({ appeals, statements: context.statements, people: context.people });
  const moderation = new Moderation({ appeals, statements: context.statements, flags, flagDecisions: context.store<FlagDecision>('flag-decisions') });
  const routes = appealRoutes({ appeals, filing, moderation, ledger, people: context.people, http: context.http, publicUrl: context.publicUrl });
  return { appeals, routes };
}
