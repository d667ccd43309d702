import { Router, type Request, type RequestHandler } from 'express';
import { parseUuidParameter, type PeopleForPlugins } from '../../../plugin-api';
import { requireJsonContentType, requireSignedIn } from '../routes';
import { parseShareRequest } from './share-request';
import type { Shares } from './shares';

export interface ShareApiOptions {
  shares: Shares;
  people: PeopleForPlugins;
  /** The platform's JSON body parser (bounded size and depth). */
  jsonBody: () => RequestHandler;
}

/** POST/GET /api/shares and DELETE /api/shares/:id (stable): the signed-in person's shares. */
export function shareApi({ shares, people, jsonBody }: ShareApiOptions): Router {
  const router = Router();
  const signedIn = requireSignedIn(people);
  const personOf = (req: Request) => people.signedIn(req)!.person;
  router.post('/api/shares', signedIn, requireJsonContentType, jsonBody(), async (req, res) => {
    const { share, url } = await shares.create(personOf(req), parseShareRequest(req.body, new Date()));
    res.status(201).set('Cache-Control', 'no-store').json({ id: share.id, url, expiresAt: share.expiresAt });
  });
  router.get('/api/shares', signedIn, async (req, res) => {
    res.json({ shares: await shares.list(personOf(req).id) });
  });
  router.delete('/api/shares/:id', signedIn, async (req, res) => {
    res.json(await shares.revoke(personOf(req), parseUuidParameter('id', String(req.params.id))));
  });
  return router;
}
