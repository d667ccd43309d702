/**
 * A plugin for tests of the plugin platform: it counts the statements stored per verb, through the
 * public plugin API only. Its projection is idempotent by statement id (one document per counted
 * statement; the counts are read from them), so a redelivered event changes nothing.
 */
import { Router } from 'express';
import { definePlugin, type FeedEvent, type PluginContext } from '../../../src/plugin-api';

interface Counted {
  verb: string;
}

export default definePlugin({
  manifest: {
    name: 'counter',
    version: '1.0.0',
    description: 'Counts stored statements per verb (a test plugin)',
    profiles: [],
    scopes: { read: 'Read the counts' },
    stores: { counted: { derived: true, indexes: [{ name: 'by_verb', fields: ['verb'] }] }, runs: {} },
    jobs: ['tick'],
    openapi: 'openapi.yaml',
    formerPaths: ['/counting'],
  },
  setup(context: PluginContext) {
    const counted = context.store<Counted>('counted');
    const runs = context.store<{ at: string }>('runs');
    const routes = Router();
    // A console page (before `authenticate`: console pages take the console session, not HTTP Basic).
    routes.get('/console', ...context.console.requireAdmin(), async (_req, res) => {
      context.console.renderPage(res, { title: 'Counter', body: `Statements counted: ${await counted.count()}` });
    });
    routes.use(context.http.authenticate);
    routes.get('/count', context.http.requireScope('read'), async (req, res) => {
      const verb = typeof req.query.verb === 'string' ? req.query.verb : undefined;
      res.json({ count: await counted.count(verb === undefined ? undefined : { verb }) });
    });
    return {
      routes,
      nav: [{ href: '/plugins/counter/count', label: { en: 'Counts', es: 'Recuentos' } }],
      console: [{ href: '/plugins/counter/console', label: { en: 'Counter', es: 'Contador' } }],
      async onEvents(events: FeedEvent[]) {
        for (const event of events) {
          if (event.type === 'stored') await counted.put(event.statement.id, { verb: event.statement.statement.verb.id });
          else await counted.delete(event.statementId);
        }
      },
      jobs: { tick: { schedule: '* * * * * *', run: async () => void (await runs.put('last', { at: new Date().toISOString() })) } },
    };
  },
});
