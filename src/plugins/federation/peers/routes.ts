/**
 * The peers' admin API under /plugins/federation (peers/openapi.yaml): a credential holding
 * plugins/federation/manage registers, reads, changes and removes peers. The secret of the
 * credentials used at a peer's LRS is stored, never answered.
 */
import { Router, type Request, type RequestHandler } from 'express';
import { singleParameters, type PluginHttp } from '../../../plugin-api';
import { parsePeerSlug } from './input';
import { peerView, type PeerRegistry } from './registry';

export interface PeerRoutesOptions {
  peers: PeerRegistry;
  http: Pick<PluginHttp, 'authenticate' | 'requireScope' | 'jsonBody'>;
}

export function peerRoutes({ peers, http }: PeerRoutesOptions): Router {
  const router = Router();
  const manage: RequestHandler[] = [http.authenticate, http.requireScope('manage')];
  const slug = (req: Request) => parsePeerSlug(String(req.params.slug));
  const noQuery = (req: Request, resource: string) => singleParameters(req.query, { resource });

  router.post('/peers', ...manage, http.jsonBody(), async (req, res) => {
    noQuery(req, 'POST /plugins/federation/peers');
    res.status(201).json(peerView(await peers.create(req.body)));
  });
  router.get('/peers', ...manage, async (req, res) => {
    noQuery(req, 'GET /plugins/federation/peers');
    res.json({ peers: (await peers.list()).map(peerView) });
  });
  router.get('/peers/:slug', ...manage, async (req, res) => {
    noQuery(req, 'GET /plugins/federation/peers/:slug');
    res.json(peerView(await peers.existing(slug(req))));
  });
  router.patch('/peers/:slug', ...manage, http.jsonBody(), async (req, res) => {
    noQuery(req, 'PATCH /plugins/federation/peers/:slug');
    res.json(peerView(await peers.update(slug(req), req.body)));
  });
  router.delete('/peers/:slug', ...manage, async (req, res) => {
    noQuery(req, 'DELETE /plugins/federation/peers/:slug');
    await peers.delete(slug(req));
    res.status(204).end();
  });
  return router;
}
