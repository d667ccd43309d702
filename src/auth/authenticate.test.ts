import express, { type ErrorRequestHandler } from 'express';
import type { Db } from 'mongodb';
import { useTestDatabase } from '../../test-support/database';
import request from 'supertest';
import { HttpError } from '../errors';
import { authenticate, requireScope, type AuthenticateOptions } from './authenticate';
import { CREDENTIALS_COLLECTION, MongoCredentialStore } from './mongo-credential-store';
import type { Scope } from './scopes';

const database = useTestDatabase();
const SECRET = 'the right secret';

let db: Db;
let store: MongoCredentialStore;

beforeAll(() => {
  db = database();
});

beforeEach(async () => {
  await db.collection(CREDENTIALS_COLLECTION).deleteMany({});
  store = new MongoCredentialStore(db, { authorityHomePage: 'https://lrs.example.test/' });
});

/** Stands in for src/http/error-handler.ts: HttpErrors become their status, headers and code. */
const handleErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  if (error instanceof HttpError) {
    res.status(error.status).set(error.headers).json({ code: error.code, message: error.message });
  } else {
    res.status(500).json({ code: 'INTERNAL', message: 'internal error' });
  }
};

function app(options: Partial<AuthenticateOptions> = {}) {
  const auth = authenticate({ store, ...options });
  const echo: express.RequestHandler = (req, res) => {
    res.json({ key: req.credential?.key, readMineOnly: req.readMineOnly });
  };
  return express()
    .get('/about', requireScope({ resource: 'about', write: false }), echo)
    .get('/statements', auth, requireScope({ resource: 'statements', write: false }), echo)
    .put('/activities/state', auth, requireScope({ resource: 'state', write: true }), echo)
    .use(handleErrors);
}

async function createCredential(scopes: Scope[], key = 'tool', secret = SECRET) {
  await store.create({ name: 'Tool', scopes, key, secret });
}

function basic(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;
}

function expectChallenge(response: request.Response): void {
  expect(response.status).toBe(401);
  expect(response.headers['www-authenticate']).toBe('Basic realm="xAPI"');
  expect(response.body).toMatchObject({ code: 'UNAUTHORIZED' });
}

describe('authenticate', () => {
  it('challenges a request without an Authorization header', async () => {
    expectChallenge(await request(app()).get('/statements'));
  });

  it.each([
    ['empty credentials ("Basic Og==", xAPI 4.1.s7)', 'Basic Og=='],
    ['a scheme without credentials', 'Basic'],
    ['a user-pass without a colon', `Basic ${Buffer.from('tool').toString('base64')}`],
    ['another scheme', 'Bearer abc.def.ghi'],
  ])('challenges %s', async (_case, header) => {
    await createCredential(['all']);
    expectChallenge(await request(app()).get('/statements').set('Authorization', header));
  });

  it('rejects a wrong secret', async () => {
    await createCredential(['all']);
    expectChallenge(await request(app()).get('/statements').set('Authorization', basic('tool', 'a wrong secret')));
  });

  it('rejects an unknown key', async () => {
    expectChallenge(await request(app()).get('/statements').set('Authorization', basic('nobody', SECRET)));
  });

  it('rejects a revoked credential', async () => {
    await createCredential(['all']);
    await store.revoke('tool');
    expectChallenge(await request(app()).get('/statements').set('Authorization', basic('tool', SECRET)));
  });

  it('accepts the right key and secret and exposes the credential', async () => {
    await createCredential(['statements/read']);
    const response = await request(app()).get('/statements').set('Authorization', basic('tool', SECRET));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ key: 'tool', readMineOnly: false });
  });

  it('accepts a secret containing colons (RFC 7617 §2)', async () => {
    await createCredential(['all'], 'tool', 'se:cr:et:with:colons');
    const response = await request(app())
      .get('/statements')
      .set('Authorization', basic('tool', 'se:cr:et:with:colons'));
    expect(response.status).toBe(200);
  });

  it('does not accept a prefix of a secret containing colons', async () => {
    await createCredential(['all'], 'tool', 'se:cr:et:with:colons');
    expectChallenge(await request(app()).get('/statements').set('Authorization', basic('tool', 'se:cr')));
  });

  it('forwards store failures to the error handler', async () => {
    jest.spyOn(store, 'findActive').mockRejectedValue(new Error('database down'));
    const response = await request(app()).get('/statements').set('Authorization', basic('tool', SECRET));
    expect(response.status).toBe(500);
  });
});

describe('requireScope', () => {
  it('forbids an operation the scopes do not allow, naming the scopes that would', async () => {
    await createCredential(['statements/read']);
    const response = await request(app()).put('/activities/state').set('Authorization', basic('tool', SECRET));
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ code: 'FORBIDDEN' });
    expect(response.body.message).toContain('state, all');
  });

  it('restricts statement reads to the credential’s own with statements/read/mine', async () => {
    await createCredential(['statements/write', 'statements/read/mine']);
    const response = await request(app()).get('/statements').set('Authorization', basic('tool', SECRET));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ key: 'tool', readMineOnly: true });
  });

  it('lets anyone read /about', async () => {
    const response = await request(app()).get('/about');
    expect(response.status).toBe(200);
  });

  it('challenges rather than forbids when no credential was authenticated', async () => {
    const bare = express()
      .get('/statements', requireScope({ resource: 'statements', write: false }), (_req, res) => {
        res.end();
      })
      .use(handleErrors);
    expectChallenge(await request(bare).get('/statements'));
  });
});

describe('verified-credentials cache', () => {
  it('serves repeated requests without reading the store again', async () => {
    await createCredential(['all']);
    const findActive = jest.spyOn(store, 'findActive');
    const server = app();
    for (let i = 0; i < 3; i++) {
      expect((await request(server).get('/statements').set('Authorization', basic('tool', SECRET))).status).toBe(200);
    }
    expect(findActive).toHaveBeenCalledTimes(1);
  });

  it('does not let a wrong secret through for a cached key', async () => {
    await createCredential(['all']);
    const server = app();
    await request(server).get('/statements').set('Authorization', basic('tool', SECRET)).expect(200);
    expectChallenge(await request(server).get('/statements').set('Authorization', basic('tool', 'a wrong secret')));
  });

  it('keeps a revoked credential working only until the TTL expires', async () => {
    await createCredential(['all']);
    let now = 1_000_000;
    const server = app({ cacheTtlMs: 60_000, now: () => now });
    await request(server).get('/statements').set('Authorization', basic('tool', SECRET)).expect(200);
    await store.revoke('tool');

    now += 59_999;
    await request(server).get('/statements').set('Authorization', basic('tool', SECRET)).expect(200);

    now += 1;
    expectChallenge(await request(server).get('/statements').set('Authorization', basic('tool', SECRET)));
  });

  it('accepts a rotated secret at once, even while the old one is cached', async () => {
    await createCredential(['all']);
    const server = app();
    await request(server).get('/statements').set('Authorization', basic('tool', SECRET)).expect(200);
    await store.upsert('tool', 'a rotated secret', 'Tool', ['all']);
    await request(server).get('/statements').set('Authorization', basic('tool', 'a rotated secret')).expect(200);
  });
});
