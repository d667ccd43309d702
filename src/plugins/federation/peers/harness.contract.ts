/**
 * peers/ alone on a whole LRS, as index.ts wires it (setUpPeers), in a stand-in federation plugin
 * with the plugin's name, scopes and settings: real authentication, scopes, stores of the engine
 * under test. `listen` serves it on a port with PUBLIC_URL set to it, as a peer reaches it. Named
 * `.contract.ts` so that the build, the import graph and jest leave it out.
 */
import type { Server } from 'node:http';
import path from 'node:path';
import { createTestLrs, type TestLrs } from '../../../../test-support/app';
import { freePort } from '../../../../test-support/net';
import type { StorageEngine } from '../../../storage/backend';
import { definePlugin } from '../../../plugin-api';
import { readFederationSettings } from '../settings';
import { FEDERATION_SCOPES } from '../vocabulary';
import { PEER_STORES, setUpPeers } from './index';

export interface PeersLrs {
  lrs: TestLrs;
  /** A credential holding plugins/federation/manage. */
  manager: string;
  /** Its public base URL (listening ones: http://127.0.0.1:<port>). */
  publicUrl: string;
  close(): Promise<void>;
}

export async function startPeersLrs(engine: StorageEngine, { listen = false }: { listen?: boolean } = {}): Promise<PeersLrs> {
  const port = listen ? await freePort() : undefined;
  const publicUrl = port === undefined ? 'http://lrs.test' : `http://127.0.0.1:${port}`;
  const env = { PUBLIC_URL: publicUrl, FEDERATION_REQUEST_TIMEOUT_SECONDS: '2' };
  const plugin = definePlugin({
    manifest: { name: 'federation', version: '0.1.0', description: 'peers/ alone (a test stand-in)', profiles: [], scopes: FEDERATION_SCOPES, stores: PEER_STORES, jobs: [], openapi: ['peers/openapi.yaml'] },
    settings: readFederationSettings,
    setup: (context) => ({ routes: setUpPeers(context).routes }),
  });
  const engineBefore = process.env.KEIKO_TEST_ENGINE;
  process.env.KEIKO_TEST_ENGINE = engine;
  const lrs = await createTestLrs(env, [{ plugin, folder: path.resolve(__dirname, '..'), settings: readFederationSettings(env).settings }]).finally(() => {
    process.env.KEIKO_TEST_ENGINE = engineBefore;
  });
  const server = port === undefined ? undefined : await new Promise<Server>((resolve) => {
    const listening = lrs.app.listen(port, '127.0.0.1', () => resolve(listening));
  });
  return {
    lrs,
    manager: await lrs.credential(['plugins/federation/manage'], 'federation manager'),
    publicUrl,
    close: async () => {
      if (server) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
      await lrs.close();
    },
  };
}
