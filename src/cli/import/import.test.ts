import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from '../../../test-support/app';
import { ensureBuilt, runKeiko } from '../../../test-support/keiko-cli';
import { freePort } from '../../../test-support/net';
import { sampleStatement } from '../../../test-support/statements';
import { EXIT } from '../exit-codes';

/** `keiko import` (the compiled command) against a real LRS listening on a port. */

let lrs: TestLrs;
let server: http.Server;
let xapiUrl: string;
let dir: string;
const KEY = 'importer';
const SECRET = 'importer-secret-1';
const file = (name: string) => path.join(dir, name);

function importFile(name: string, ...options: string[]) {
  return runKeiko(['import', file(name), '--to', xapiUrl, '--key', KEY, '--secret', SECRET, ...options]);
}

/** Every statement the LRS returns, page after page. */
async function storedStatements(): Promise<Array<{ id: string; actor: { mbox: string } }>> {
  const statements = [];
  for (let next = '/xapi/statements'; next !== ''; ) {
    const page = await request(lrs.app).get(next).set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).expect(200);
    statements.push(...page.body.statements);
    next = page.body.more;
  }
  return statements;
}

beforeAll(async () => {
  ensureBuilt();
  lrs = await createTestLrs();
  await lrs.storage.credentials.create({ name: 'importer', scopes: ['statements/write', 'statements/read'], key: KEY, secret: SECRET });
  server = lrs.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  xapiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/xapi`;
  dir = await mkdtemp(path.join(os.tmpdir(), 'keiko-import-'));
  await writeFile(file('one.ndjson'), `${JSON.stringify(sampleStatement({ id: randomUUID() }))}\n`);
}, 300_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await lrs.close();
  await rm(dir, { recursive: true, force: true });
});

describe('keiko import', () => {
  it('stores an NDJSON export once: run twice, the second finds everything already there; names a malformed line', async () => {
    const statements = Array.from({ length: 120 }, (_, n) => sampleStatement({ id: randomUUID(), actor: { mbox: `mailto:ndjson${n}@example.org` } }));
    const withoutId = sampleStatement({ actor: { mbox: 'mailto:no-id@example.org' } });
    const lines = [...statements.map((statement) => JSON.stringify(statement)), JSON.stringify(withoutId)];
    lines.splice(7, 0, '{"actor": {"mbox": "mailto:broken@example.org"},'); // line 8
    lines.splice(30, 0, ''); // blank lines are skipped
    await writeFile(file('export.ndjson'), `${lines.join('\n')}\n`);

    const first = await importFile('export.ndjson', '--batch-size', '50');
    expect(first.stdout).toMatch(/^  read +122$/m);
    expect(first.stdout).toMatch(/^  stored +121$/m);
    expect(first.stdout).toMatch(/^  already there +0$/m);
    expect(first.stdout).toMatch(/^  refused +1$/m);
    expect(first.stdout).toMatch(/^  line 8: not JSON: /m);
    expect(first.code).toBe(EXIT.badInput);
    const afterFirst = await storedStatements();
    expect(afterFirst).toHaveLength(121);

    const second = await importFile('export.ndjson', '--batch-size', '50');
    expect(second.stdout).toMatch(/^  stored +0$/m);
    expect(second.stdout).toMatch(/^  already there +121$/m);
    expect(second.stdout).toMatch(/^  line 8: not JSON: /m);
    expect(second.code).toBe(EXIT.badInput);
    const afterSecond = await storedStatements();
    expect(afterSecond.map((statement) => statement.id).sort()).toEqual(afterFirst.map((statement) => statement.id).sort());
    expect(afterSecond.filter((statement) => statement.actor.mbox === 'mailto:no-id@example.org')).toHaveLength(1);
  }, 120_000);

  it('stores the rest of a batch the LRS refuses, naming each refused statement with the reason (409, 400): exit 1', async () => {
    const kept = sampleStatement({ id: randomUUID(), actor: { mbox: 'mailto:kept@example.org' } });
    await request(lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', lrs.auth).send(kept).expect(200);
    const others = Array.from({ length: 10 }, () => sampleStatement({ id: randomUUID() }));
    const conflicting = { ...kept, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } };
    const invalid = sampleStatement({ id: randomUUID(), actor: { mbox: 'not-a-mailto' } });
    // A StatementResult, as GET /xapi/statements returns it, pretty-printed.
    await writeFile(file('result.json'), JSON.stringify({ statements: [...others.slice(0, 4), conflicting, ...others.slice(4), invalid], more: '' }, null, 2));

    const before = (await storedStatements()).length;
    const result = await importFile('result.json');
    expect(result.stdout).toMatch(/^  read +12$/m);
    expect(result.stdout).toMatch(/^  stored +10$/m);
    expect(result.stdout).toMatch(/^  refused +2$/m);
    expect(result.stdout).toMatch(/^  statement 5: 409 STATEMENT_CONFLICT: /m);
    expect(result.stdout).toMatch(/^  statement 12: 400 INVALID_STATEMENT: .*mbox/m);
    expect(result.code).toBe(EXIT.failed);
    const stored = await storedStatements();
    expect(stored).toHaveLength(before + 10);
    expect(stored.find((statement) => statement.id === kept.id)).toMatchObject({ verb: { id: kept.verb && (kept.verb as { id: string }).id } });
  }, 120_000);

  it('reads a JSON array from standard input', async () => {
    const statements = [sampleStatement({ id: randomUUID() }), sampleStatement({ id: randomUUID() })];
    const result = await runKeiko(['import', '-', '--to', xapiUrl, '--key', KEY, '--secret', SECRET], { input: JSON.stringify(statements) });
    expect(result.stdout).toMatch(/^Imported standard input into /);
    expect(result.stdout).toMatch(/^  stored +2$/m);
    expect(result.code).toBe(EXIT.ok);
  });

  it('cannot confirm when the LRS cannot be reached, after retrying: exit 3', async () => {
    const closed = await freePort();
    const result = await runKeiko(['import', file('one.ndjson'), '--to', `http://127.0.0.1:${closed}/xapi`, '--key', KEY, '--secret', SECRET, '--attempts', '2']);
    expect(result.stderr).toMatch(/retrying in 0\.5 s \(attempt 2 of 2\)/);
    expect(result.stderr).toMatch(new RegExp(`^Error: the LRS at http://127.0.0.1:${closed}/xapi did not answer after 2 attempts: .*ECONNREFUSED`, 'm'));
    expect(result.code).toBe(EXIT.cannotConfirm);
  });

  it('waits as a 503 Retry-After says, then goes on', async () => {
    let refusals = 2;
    const busy = http.createServer((incoming, response) => {
      if (refusals-- > 0) {
        response.writeHead(503, { 'Retry-After': '1' }).end();
        return;
      }
      const forward = http.request(`${xapiUrl.replace(/\/xapi$/, '')}${incoming.url}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
        response.writeHead(answer.statusCode!, answer.headers);
        answer.pipe(response);
      });
      incoming.pipe(forward);
    });
    busy.listen(0, '127.0.0.1');
    await new Promise((resolve) => busy.once('listening', resolve));
    try {
      const busyUrl = `http://127.0.0.1:${(busy.address() as AddressInfo).port}/xapi`;
      const result = await runKeiko(['import', file('one.ndjson'), '--to', busyUrl, '--key', KEY, '--secret', SECRET]);
      expect(result.stderr.match(/503 Service Unavailable; retrying in 1\.0 s/g)).toHaveLength(2);
      expect(result.stdout).toMatch(/^  stored +1$/m);
      expect(result.code).toBe(EXIT.ok);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  }, 30_000);

  it('refuses wrong credentials as bad input (exit 2), and cannot read a missing file (exit 4)', async () => {
    const refused = await runKeiko(['import', file('one.ndjson'), '--to', xapiUrl, '--key', KEY, '--secret', 'wrong-secret-123']);
    expect(refused.stderr).toMatch(/^Error: the LRS at .* refused the credentials: 401/m);
    expect(refused.code).toBe(EXIT.badInput);
    const missing = await importFile('missing.ndjson');
    expect(missing.stderr).toMatch(/^Error: cannot read .*missing\.ndjson: ENOENT/m);
    expect(missing.code).toBe(EXIT.cannotRead);
  });
});
