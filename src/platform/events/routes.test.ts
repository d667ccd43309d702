import express, { type Express } from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { basicAuth } from '../../../test-support/app';
import { openTestBackend, type TestBackend } from '../../../test-support/backends';
import { authenticate } from '../../auth/authenticate';
import { errorHandler, notFoundHandler } from '../../http/error-handler';
import { recordOf } from '../../xapi/statements/statement-storage.contract';
import { EventDelivery, type EventSubscriber } from './delivery';
import { registerEventMetrics } from './metrics';
import { eventAdminRoutes } from './routes';

const logger = pino({ level: 'silent' });

let test: TestBackend;
let delivery: EventDelivery;
let app: Express;
let admin: string;
let healed = false;
const poison = recordOf();

beforeAll(async () => {
  test = await openTestBackend('sqlite');
  const storage = test.backend;
  const subscribers: EventSubscriber[] = [
    {
      name: 'fragile',
      onEvents: async (events) => {
        if (!healed && events.some((event) => event.type === 'stored' && event.statement.id === poison.id)) {
          throw new Error('the projection refuses this statement');
        }
      },
    },
    { name: 'steady', onEvents: async () => undefined },
  ];
  for (const batch of [[recordOf()], [poison], [recordOf()]]) await storage.statements.storeBatch(batch);
  delivery = await EventDelivery.open({
    statements: storage.statements,
    collections: storage.collections,
    leases: storage.leases,
    subscribers,
    logger,
    retry: { firstDelayMs: 1, maxDelayMs: 1, retries: 1 },
  });
  for (const name of delivery.subscriberNames) await delivery.rebuild(name);
  app = express();
  app.use(eventAdminRoutes({ delivery, authenticate: authenticate({ store: storage.credentials }) }));
  app.use(notFoundHandler());
  app.use(errorHandler(logger));
  const issued = await storage.credentials.create({ name: 'events admin', scopes: ['admin'] });
  admin = basicAuth(issued.key, issued.secret);
});
afterAll(async () => {
  await test.dispose();
});

describe('GET /admin/events', () => {
  it('reports each subscriber’s checkpoint, the head, the lag and the parked count', async () => {
    const response = await request(app).get('/admin/events').set('Authorization', admin);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      head: 3,
      subscribers: [
        { name: 'fragile', checkpoint: 3, head: 3, lag: 0, parked: 1 },
        { name: 'steady', checkpoint: 3, head: 3, lag: 0, parked: 0 },
      ],
    });
  });

  it('answers 401 without credentials and 403 to a credential without the admin scope', async () => {
    const anonymous = await request(app).get('/admin/events');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHORIZED');
    const issued = await test.backend.credentials.create({ name: 'reader', scopes: ['all'] });
    for (const path of ['/admin/events', '/admin/events/parked']) {
      const forbidden = await request(app).get(path).set('Authorization', basicAuth(issued.key, issued.secret));
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
    }
    const replay = await request(app).post('/admin/events/parked/fragile.2.stored/replay').set('Authorization', basicAuth(issued.key, issued.secret));
    expect(replay.status).toBe(403);
  });

  it('refuses unknown parameters', async () => {
    const response = await request(app).get('/admin/events?verbose=1').set('Authorization', admin);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('UNKNOWN_PARAMETER');
  });
});

describe('GET /admin/events/parked', () => {
  it('lists parked events with their reasons, of every subscriber or of one', async () => {
    const all = await request(app).get('/admin/events/parked').set('Authorization', admin);
    expect(all.status).toBe(200);
    expect(all.body.parked).toEqual([
      {
        id: 'fragile.2.stored',
        subscriber: 'fragile',
        position: 2,
        type: 'stored',
        statementId: poison.id,
        reason: 'Error: the projection refuses this statement',
        attempts: 2,
        parkedAt: expect.any(String),
        lastAttemptAt: expect.any(String),
      },
    ]);
    const steady = await request(app).get('/admin/events/parked?subscriber=steady&limit=5').set('Authorization', admin);
    expect(steady.body).toEqual({ parked: [] });
  });

  it('answers 404 UNKNOWN_SUBSCRIBER for a subscriber that does not exist, and 400 for a bad limit', async () => {
    const unknown = await request(app).get('/admin/events/parked?subscriber=ghost').set('Authorization', admin);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'UNKNOWN_SUBSCRIBER', message: expect.stringContaining('"ghost"') });
    for (const limit of ['0', '1001', 'ten', '-1', '1e2']) {
      const bad = await request(app).get(`/admin/events/parked?limit=${limit}`).set('Authorization', admin);
      expect({ limit, status: bad.status, code: bad.body.code }).toEqual({ limit, status: 400, code: 'INVALID_PARAMETER' });
    }
    const twice = await request(app).get('/admin/events/parked?limit=1&limit=2').set('Authorization', admin);
    expect(twice.status).toBe(400);
  });
});

describe('POST /admin/events/parked/:id/replay', () => {
  it('keeps a parked event whose replay fails, with the new reason, and removes it once a replay succeeds', async () => {
    const failed = await request(app).post('/admin/events/parked/fragile.2.stored/replay').set('Authorization', admin);
    expect(failed.status).toBe(200);
    expect(failed.body).toEqual({ delivered: false, parked: expect.objectContaining({ id: 'fragile.2.stored', attempts: 3 }) });

    healed = true;
    const replayed = await request(app).post('/admin/events/parked/fragile.2.stored/replay').set('Authorization', admin);
    expect(replayed.status).toBe(200);
    expect(replayed.body).toEqual({ delivered: true });
    expect((await request(app).get('/admin/events/parked').set('Authorization', admin)).body).toEqual({ parked: [] });
  });

  it('answers 404 PARKED_EVENT_NOT_FOUND for an id that is not parked', async () => {
    const response = await request(app).post('/admin/events/parked/fragile.2.stored/replay').set('Authorization', admin);
    expect(response.status).toBe(404);
    expect(response.body.code).toBe('PARKED_EVENT_NOT_FOUND');
  });
});

describe('event metrics', () => {
  it('exposes the lag and parked count of each plugin', async () => {
    const registry = new Registry();
    registerEventMetrics(registry, delivery, logger);
    await test.backend.statements.storeBatch([recordOf()]);
    const text = await registry.metrics();
    expect(text).toContain('keiko_plugin_events_lag{plugin="fragile"} 1');
    expect(text).toContain('keiko_plugin_events_lag{plugin="steady"} 1');
    expect(text).toContain('keiko_plugin_events_parked{plugin="fragile"} 0');
  });
});
