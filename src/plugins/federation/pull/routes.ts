/**
 * The pull API under /plugins/federation (pull/openapi.yaml), scope `manage`: pull sources, their
 * progress, pausing and resuming them.
 */
import { Router, type Request } from 'express';
import { BadRequestCode, BadRequestError, limitParameter, parseUuidParameter, singleParameters, type PluginHttp } from '../../../plugin-api';
import { parsePullInput, parsePullPatch } from './input';
import type { PullSource } from './records';
import { pullView, type PullSources } from './sources';

export interface PullRoutesOptions {
  http: Pick<PluginHttp, 'authenticate' | 'requireScope' | 'jsonBody'>;
  sources: PullSources;
  now?: () => number;
}

export function pullRoutes({ http, sources, now = Date.now }: PullRoutesOptions): Router {
  const router = Router();
  const manage = [http.authenticate, http.requireScope('manage')];
  const write = [...manage, http.jsonBody()];
  const id = (req: Request) => parseUuidParameter('pullId', String(req.params.pullId));
  const view = (source: PullSource) => pullView(source, now());

  router.post('/pulls', ...write, async (req, res) => {
    res.status(201).json(view(await sources.create(parsePullInput(req.body))));
  });
  router.get('/pulls', ...manage, async (req, res) => {
    const query = singleParameters(req.query, { resource: 'GET /plugins/federation/pulls', optional: ['peer', 'state', 'limit'] });
    const found = await sources.list({ ...(query.peer !== undefined && { peer: query.peer }), ...(query.state !== undefined && { state: stateOf(query.state) }) }, limitParameter(query.limit, { fallback: 100, max: 1000 }));
    res.json({ pulls: found.map(view) });
  });
  router.get('/pulls/:pullId', ...manage, async (req, res) => {
    singleParameters(req.query, { resource: 'GET /plugins/federation/pulls/:pullId' });
    res.json(view(await sources.existing(id(req))));
  });
  router.patch('/pulls/:pullId', ...write, async (req, res) => {
    const sourceId = id(req);
    res.json(view(await sources.setState(sourceId, parsePullPatch(req.body).state)));
  });
  router.delete('/pulls/:pullId', ...manage, async (req, res) => {
    await sources.delete(id(req));
    res.status(204).end();
  });
  return router;
}

function stateOf(value: string): PullSource['state'] {
  if (value !== 'active' && value !== 'paused') throw new BadRequestError(BadRequestCode.InvalidParameter, `state must be active or paused, got "${value.slice(0, 40)}"`);
  return value;
}
