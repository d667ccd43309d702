/**
 * The pull feature alone on a whole LRS, as index.ts wires it, on the engine under test: its
 * store, routes and job, with the peers a test gives (a small in-memory PeerLookup standing for A's
 * registry) and the job's other ports as the test passes them. Named `.contract.ts` so that the
 * build, the import graph and jest leave it out.
 */
import path from 'node:path';
import { Router } from 'express';
import request from 'supertest';
import { InstitutionsLrs } from '../../../../test-support/institutions-lrs';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin, type PluginContext, type PluginStoreDeclaration } from '../../../plugin-api';
import type { Peer } from '../model';
import { FEDERATION_SCOPES } from '../vocabulary';
import { PullJob, type PullJobOptions } from './job';
import { PULL_JOB, PULL_STORES, type PullSource } from './records';
import { pullRoutes } from './routes';
import { PullSources, type PeerLookup } from './sources';

export class PeersInMemory implements PeerLookup {
  readonly peers = new Map<string, Peer>();

  async get(slug: string): Promise<Peer | undefined> {
    return this.peers.get(slug);
  }

  add(peer: Partial<Peer> & Pick<Peer, 'slug'>): Peer {
    const full: Peer = { name: peer.slug, kind: 'xapi', inboundCredentialKeys: [], createdAt: new Date().toISOString(), ...peer };
    this.peers.set(full.slug, full);
    return full;
  }
}

export interface PullHarness {
  lrs: InstitutionsLrs;
  sources: PullSources;
  peers: PeerLookup;
  /** The job, once the test's `job` options are given (runs it as its schedule would). */
  job?: PullJob;
  context: PluginContext;
  /** A request to /plugins/federation<path> as the administrator (or `auth`). */
  call(method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object, auth?: string): request.Test;
  source(id: string): Promise<PullSource>;
  close(): Promise<void>;
}

/** The job's ports, made from the plugin's context (stores of other features are declared in `stores`). */
export interface HarnessJob {
  stores: Record<string, PluginStoreDeclaration>;
  options(context: PluginContext, sources: PullSources): Omit<PullJobOptions, 'sources'>;
}

export async function startPullLrs(engine: StorageEngine, peers: PeerLookup = new PeersInMemory(), job?: HarnessJob): Promise<PullHarness> {
  let sources: PullSources | undefined;
  let pullJob: PullJob | undefined;
  let context: PluginContext | undefined;
  const plugin = definePlugin({
    manifest: { name: 'federation', version: '0.0.1', description: 'pull test', profiles: [], scopes: FEDERATION_SCOPES, stores: { ...PULL_STORES, ...job?.stores }, jobs: [PULL_JOB], openapi: 'pull/openapi.yaml' },
    setup(given) {
      context = given;
      sources = new PullSources(given.store<PullSource>('pulls'), peers);
      pullJob = job === undefined ? undefined : new PullJob({ sources, ...job.options(given, sources) });
      return {
        routes: Router().use(pullRoutes({ http: given.http, sources })),
        jobs: { [PULL_JOB]: { schedule: '0 0 1 1 *', run: async () => void (await pullJob?.run()) } },
      };
    },
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await InstitutionsLrs.start({}, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  const call = (method: 'get' | 'post' | 'patch' | 'delete', url: string, body?: object, auth = lrs.admin) => {
    const test = request(lrs.lrs.app)[method](`/plugins/federation${url}`).set('Authorization', auth);
    return body === undefined ? test : test.send(body);
  };
  return {
    lrs,
    sources: sources!,
    peers,
    job: pullJob,
    context: context!,
    call,
    source: (id) => sources!.existing(id),
    close: () => lrs.close(),
  };
}
