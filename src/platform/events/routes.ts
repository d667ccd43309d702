import { Router, type RequestHandler } from 'express';
import { requireGrant } from '../../auth/authenticate';
import { BadRequestCode, BadRequestError, NotFoundError } from '../../errors';
import { singleParameters } from '../../http/parameters';
import { UnknownSubscriberError, type EventDelivery } from './delivery';

export interface EventAdminRouteOptions {
  delivery: EventDelivery;
  /** HTTP Basic credentials (src/auth/authenticate.ts); the routes then require the `admin` scope. */
  authenticate: RequestHandler;
}

const DEFAULT_PARKED_LIMIT = 100;
const MAX_PARKED_LIMIT = 1_000;

export const EventErrorCode = {
  ParkedEventNotFound: 'PARKED_EVENT_NOT_FOUND',
  UnknownSubscriber: 'UNKNOWN_SUBSCRIBER',
} as const;

/**
 * Administration of durable post-store events: where each subscriber's delivery stands, the
 * events it parked (with why), and replaying one.
 */
export function eventAdminRoutes(options: EventAdminRouteOptions): Router {
  const { delivery } = options;
  const router = Router();
  const admin = [options.authenticate, requireGrant('admin')];

  router.get('/admin/events', ...admin, async (req, res) => {
    singleParameters(req.query, { resource: 'GET /admin/events' });
    const subscribers = await delivery.status();
    res.json({ head: subscribers[0]?.head ?? (await delivery.feedHead()), subscribers });
  });

  router.get('/admin/events/parked', ...admin, async (req, res) => {
    const params = singleParameters(req.query, { optional: ['subscriber', 'limit'], resource: 'GET /admin/events/parked' });
    const limit = parseLimit(params.limit);
    try {
      res.json({ parked: await delivery.listParked(params.subscriber, limit) });
    } catch (error) {
      if (error instanceof UnknownSubscriberError) {
        throw new NotFoundError(`No plugin receiving events is named "${error.subscriber}"`, EventErrorCode.UnknownSubscriber);
      }
      throw error;
    }
  });

  router.post('/admin/events/parked/:parkedEventId/replay', ...admin, async (req, res) => {
    const id = String(req.params.parkedEventId);
    let outcome;
    try {
      outcome = await delivery.replay(id);
    } catch (error) {
      // Parked by a subscriber that is no longer installed: nothing can handle it here.
      if (error instanceof UnknownSubscriberError) {
        throw new NotFoundError(`The event ${id} was parked by "${error.subscriber}", which is not running`, EventErrorCode.UnknownSubscriber);
      }
      throw error;
    }
    if (outcome === undefined) throw new NotFoundError(`No parked event has the id ${id}`, EventErrorCode.ParkedEventNotFound);
    res.json(outcome);
  });

  return router;
}

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PARKED_LIMIT;
  const limit = /^[0-9]{1,4}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_PARKED_LIMIT)) {
    throw new BadRequestError(BadRequestCode.InvalidParameter, `Parameter "limit" must be an integer from 1 to ${MAX_PARKED_LIMIT}`);
  }
  return limit;
}
