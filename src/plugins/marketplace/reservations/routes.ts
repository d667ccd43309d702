/**
 * Mounted at /plugins/marketplace (reservations/openapi.yaml): bookers hold, confirm, modify and
 * cancel reservations; spaces' owners reject them or mark them attended.
 */
import { Router, type Request, type Response } from 'express';
import { BadRequestCode, credentialKeyOf, HttpError, parseAgentParameter, parseUuidParameter, singleParameters, type PluginHttp } from '../../../plugin-api';
import { partyOf, requireParty, type Acting } from '../acting';
import { integerIn } from '../fields';
import type { Party } from '../model';
import { ReservationCode } from './checks';
import { parseReason } from './input';
import type { Reservations } from './reservations';

const MAX_LISTED = 100;

export function reservationRoutes({ reservations, acting }: { reservations: Reservations; acting: Acting }): Router {
  const router = Router();
  const jsonBody = (acting.http as Acting['http'] & Pick<PluginHttp, 'jsonBody'>).jsonBody();
  const booker = [requireParty(acting, 'book'), jsonBody];
  const owner = [requireParty(acting, 'list'), jsonBody];
  const party = (req: Request) => partyOf(req, acting);
  /** Who reads: as party(), but a credential names its Agent in the `agent` query parameter (a GET has no body). */
  const reader = (req: Request, agent: string | undefined): Promise<Party> => {
    if (agent === undefined || acting.people.signedIn(req) !== undefined) return party(req);
    return Promise.resolve({ ...parseAgentParameter(agent), credentialKey: credentialKeyOf(req) });
  };

  /** Whether the request's credential holds `admin` (which reads every reservation). */
  const administers = (req: Request, res: Response): boolean => {
    let holds = false;
    if (acting.people.signedIn(req) !== undefined) return false;
    try {
      acting.http.requireScope('admin')(req, res, () => (holds = true));
    } catch {
      return false;
    }
    return holds;
  };

  router.post('/reservations', ...booker, async (req, res) => {
    const { view, created } = await reservations.book(await party(req), req.body);
    res.status(created ? 201 : 200).json(view);
  });
  router.get('/reservations', requireParty(acting, 'book'), async (req, res) => {
    const { limit, agent } = singleParameters(req.query, { resource: 'GET /plugins/marketplace/reservations', optional: ['limit', 'agent'] });
    const most = limit === undefined ? MAX_LISTED : integerIn(/^\d+$/.test(limit) ? Number(limit) : NaN, 'limit', 1, MAX_LISTED, BadRequestCode.InvalidParameter);
    res.json({ reservations: await reservations.bookedBy((await reader(req, agent)).key, most) });
  });
  router.get('/reservations/:id', requireParty(acting, 'book'), async (req, res) => {
    const { agent } = singleParameters(req.query, { resource: 'GET /plugins/marketplace/reservations/{id}', optional: ['agent'] });
    const view = await reservations.reservation(idOf(req));
    if (view === undefined) throw new HttpError(404, ReservationCode.ReservationNotFound, `No reservation ${idOf(req)}`);
    if (!administers(req, res) && !(await reservations.readableBy(await reader(req, agent), view))) {
      throw new HttpError(403, ReservationCode.NotYourReservation, "Only the booker, the space's owner and administrators may read a reservation");
    }
    res.json(view);
  });
  router.post('/reservations/:id/confirm', ...booker, async (req, res) => {
    res.json(await reservations.confirm(await party(req), idOf(req)));
  });
  router.post('/reservations/:id/modify', ...booker, async (req, res) => {
    res.json(await reservations.modify(await party(req), idOf(req), req.body));
  });
  router.post('/reservations/:id/cancel', ...booker, async (req, res) => {
    res.json(await reservations.cancel(await party(req), idOf(req), parseReason(req.body, false)));
  });
  router.post('/reservations/:id/reject', ...owner, async (req, res) => {
    res.json(await reservations.reject(await party(req), idOf(req), parseReason(req.body, true)!));
  });
  router.post('/reservations/:id/attended', ...owner, async (req, res) => {
    res.json(await reservations.markAttended(await party(req), idOf(req)));
  });
  return router;
}

function idOf(req: Request): string {
  return parseUuidParameter('id', String(req.params.id));
}
