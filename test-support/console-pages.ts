/** Fixtures of the console pages' tests (src/console/pages*.test.ts): statements to browse and an event to park. */
import type { Express } from 'express';
import request from 'supertest';
import { definePlugin } from '../src/plugin-api';
import type { LoadedPlugin } from '../src/platform/plugins/load';
import { XAPI_VERSION_HEADER } from './app';

/** Statement ids that sort in the order they are stored, so that ties of `stored` still order them the same. */
export const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Stores the statements one request at a time, a few milliseconds apart (distinct `stored` times, for `since`). */
export async function storeEach(app: Express, auth: string, statements: object[]): Promise<void> {
  for (const statement of statements) {
    await request(app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(statement).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

/** A plugin "fragile" whose projection refuses the statement `poison` while `refusing()` says so: its event gets parked. */
export function fragilePlugin(poison: string, refusing: () => boolean): LoadedPlugin {
  return {
    plugin: definePlugin({
      manifest: { name: 'fragile', version: '1.0.0', description: 'Refuses one statement (a test plugin)', profiles: [], scopes: {}, stores: {}, jobs: [] },
      setup: () => ({
        async onEvents(events) {
          if (refusing() && events.some((event) => event.type === 'stored' && event.statement.id === poison)) throw new Error('the projection refuses this statement');
        },
      }),
    }),
    folder: __dirname,
    settings: undefined,
  };
}
