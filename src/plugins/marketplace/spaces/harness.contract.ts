/**
 * The spaces feature alone on a whole LRS, as index.ts wires it, with small in-memory busy times
 * and rating summaries (the other features' ports) that tests fill, and a clock they move:
 * statements go through the real recording, profile enforcement (reject mode: a statement the
 * feature builds outside its template fails the test) and event delivery; stores are the engine's
 * under test. Named `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import path from 'node:path';
import { Router } from 'express';
import request from 'supertest';
import { MarketplaceTestLrs } from '../../../../test-support/marketplace';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin, type PluginStatements } from '../../../plugin-api';
import { MARKETPLACE_SCOPES, type Acting } from '../acting';
import type { Interval, RatingSummary } from '../model';
import { SPACE_STORES, SpaceDirectory, spaceRoutes, SpaceSearch } from './index';

export const MARKETPLACE_PROFILE = 'https://w3id.org/keiko/profiles/marketplace';

export interface SpacesHarness {
  lrs: MarketplaceTestLrs;
  directory: SpaceDirectory;
  /** Claimed times by space, as Reservations.busy would answer them. */
  busy: Map<string, Interval[]>;
  ratings: Map<string, RatingSummary>;
  /** The clock of the directory, search and routes (ms); real time until a test sets it. */
  clock: { nowMs?: number };
  /** The plugin's own statements (to record as an earlier process of it did). */
  statements: PluginStatements;
  close(): Promise<void>;
}

export async function startSpacesLrs(engine: StorageEngine): Promise<SpacesHarness> {
  const busy = new Map<string, Interval[]>();
  const ratings = new Map<string, RatingSummary>();
  const clock: { nowMs?: number } = {};
  const now = () => clock.nowMs ?? Date.now();
  let directory: SpaceDirectory | undefined;
  let statements: PluginStatements | undefined;
  const plugin = definePlugin({
    manifest: { name: 'marketplace', version: '0.0.1', description: 'spaces test', profiles: [], scopes: MARKETPLACE_SCOPES, stores: SPACE_STORES, jobs: [], openapi: 'spaces/openapi.yaml' },
    setup(context) {
      const store = (name: string) => context.store(name);
      statements = context.statements;
      directory = new SpaceDirectory({ store, statements: context.statements, publicUrl: context.publicUrl, now });
      const summaries = { summaries: async (ids: string[]) => new Map(ids.flatMap((id) => (ratings.has(id) ? [[id, ratings.get(id)!] as const] : []))) };
      const busyOf = async (ids: string[], fromMs: number, toMs: number) =>
        new Map(ids.map((id) => [id, (busy.get(id) ?? []).filter((interval) => interval.endMs > fromMs && interval.startMs < toMs)] as const));
      const search = new SpaceSearch({ store, busy: busyOf, ratings: summaries, now });
      const acting: Acting = { people: context.people, http: context.http, publicUrl: context.publicUrl };
      return { routes: Router().use(spaceRoutes({ directory, search, acting, ratings: summaries, now })), onEvents: (events) => directory!.apply(events) };
    },
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await MarketplaceTestLrs.start({}, [{ plugin, folder: path.resolve(__dirname, '..'), settings: undefined }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  await request(lrs.lrs.app).put('/admin/profiles/mode').set('Authorization', lrs.admin).send({ profile: MARKETPLACE_PROFILE, mode: 'reject' }).expect(200);
  return { lrs, directory: directory!, busy, ratings, clock, statements: statements!, close: () => lrs.close() };
}
