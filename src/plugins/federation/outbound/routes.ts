/**
 * The push API under /plugins/federation (outbound/openapi.yaml), scope `manage`: subscriptions
 * with their lag and their peer's breaker state, dead letters and their replay.
 */
import { Router, type Request } from 'express';
import { BadRequestCode, BadRequestError, limitParameter, objectFields, parseUuidParameter, singleParameters, type PluginHttp, type StatementReader } from '../../../plugin-api';
import type { BreakerSnapshot } from '../remote/breaker';
import type { DeadLetterFilter, DeadLetters } from './dead-letters';
import type { Subscription } from './records';
import type { Subscriptions } from './subscriptions';

export interface OutboundRoutesOptions {
  http: PluginHttp;
  subscriptions: Subscriptions;
  deadLetters: DeadLetters;
  statements: Pick<StatementReader, 'feedHead'>;
  breakerOf(peer: string): BreakerSnapshot;
}

/** A subscription as the API shows it: how far behind the feed it is, how many statements await a retry, its peer's breaker. */
export interface SubscriptionView extends Subscription {
  lag: number;
  retrying: number;
  breaker: BreakerSnapshot;
}

export function outboundRoutes({ http, subscriptions, deadLetters, statements, breakerOf }: OutboundRoutesOptions): Router {
  const router = Router();
  const manage = [http.authenticate, http.requireScope('manage')];
  const write = [...manage, http.jsonBody()];
  const id = (req: Request) => parseUuidParameter('id', String(req.params.id));
  const view = async (subscription: Subscription): Promise<SubscriptionView> => ({
    ...subscription,
    lag: Math.max(0, (await statements.feedHead()) - subscription.cursor),
    retrying: await subscriptions.retrying(subscription.id),
    breaker: breakerOf(subscription.peer),
  });

  router.post('/subscriptions', ...write, async (req, res) => {
    res.status(201).json(await view(await subscriptions.create(req.body)));
  });
  router.get('/subscriptions', ...manage, async (req, res) => {
    singleParameters(req.query, { resource: 'GET /plugins/federation/subscriptions' });
    res.json({ subscriptions: await Promise.all((await subscriptions.list()).map(view)) });
  });
  router.get('/subscriptions/:id', ...manage, async (req, res) => {
    res.json(await view(await subscriptions.get(id(req))));
  });
  router.patch('/subscriptions/:id', ...write, async (req, res) => {
    res.json(await view(await subscriptions.update(id(req), req.body)));
  });
  router.delete('/subscriptions/:id', ...manage, async (req, res) => {
    await subscriptions.delete(id(req));
    res.status(204).end();
  });

  router.get('/dead-letters', ...manage, async (req, res) => {
    const query = singleParameters(req.query, { resource: 'GET /plugins/federation/dead-letters', optional: ['peer', 'subscription', 'source', 'direction', 'replayed', 'limit'] });
    res.json({ deadLetters: await deadLetters.list({ ...letterFilter(query), ...(query.replayed !== undefined && { replayed: flag(query.replayed) }), limit: limitParameter(query.limit, { fallback: 100, max: 1000 }) }) });
  });
  // Another path under /dead-letters (POST-only /dead-letters/replay) is no letter: the app's 404.
  router.get('/dead-letters/:id', (req, _res, next) => next(isUuid(String(req.params.id)) ? undefined : 'route'), ...manage, async (req, res) => {
    res.json(await deadLetters.get(id(req)));
  });
  router.post('/dead-letters/:id/replay', ...manage, async (req, res) => {
    res.json(await deadLetters.replay(id(req)));
  });
  router.post('/dead-letters/replay', ...write, async (req, res) => {
    const body = objectFields(req.body, BadRequestCode.InvalidParameter, { known: ['peer', 'subscription', 'source', 'direction'] });
    const strings = Object.fromEntries(Object.entries(body).map(([name, value]) => [name, textParameter(name, value)]));
    res.json(await deadLetters.replayAll(letterFilter(strings)));
  });
  return router;
}

function letterFilter(query: Record<string, string | undefined>): DeadLetterFilter {
  const { peer, subscription, source, direction } = query;
  if (direction !== undefined && direction !== 'push' && direction !== 'pull') throw new BadRequestError(BadRequestCode.InvalidParameter, 'direction must be push or pull');
  return {
    ...(peer !== undefined && { peer }),
    ...(subscription !== undefined && { subscription: parseUuidParameter('subscription', subscription) }),
    ...(source !== undefined && { source }),
    ...(direction !== undefined && { direction }),
  };
}

function isUuid(value: string): boolean {
  try {
    parseUuidParameter('id', value);
    return true;
  } catch {
    return false;
  }
}

function textParameter(name: string, value: unknown): string {
  if (typeof value !== 'string') throw new BadRequestError(BadRequestCode.InvalidParameter, `${name} must be a string`);
  return value;
}

function flag(value: string): boolean {
  if (value !== 'true' && value !== 'false') throw new BadRequestError(BadRequestCode.InvalidParameter, 'replayed must be true or false');
  return value === 'true';
}
