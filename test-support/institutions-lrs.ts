import request from 'supertest';
import type { LoadedPlugin } from '../src/platform/plugins/load';
import { createTestLrs, XAPI_VERSION_HEADER, type TestLrs } from './app';
import { csrfFieldOf } from './people';

/** The account homePage School LMS owns (its accounts are the people the tests sign in). */
export const SCHOOL = 'https://school.example';

/**
 * The whole LRS as plugins see it over HTTP: statements POSTed through /xapi by institution
 * credentials, delivered to every plugin by the durable event delivery, read by people signed in
 * through login links. Plugins' test helpers (test-support/passport.ts, reputation.ts) extend it.
 */
export class InstitutionsLrs {
  /** Use `start`. */
  constructor(
    readonly lrs: TestLrs,
    readonly admin: string,
    /** An institution credential owning SCHOOL's accounts (it makes their login links). */
    readonly school: string,
    /** A second credential, College LMS, that only writes statements: no institution. */
    readonly college: string,
  ) {}

  /** An LRS with School LMS and College LMS credentials, delivering events; `close` it after. `env` and `plugins` as createTestLrs takes them. */
  static async start<T extends InstitutionsLrs>(
    this: new (lrs: TestLrs, admin: string, school: string, college: string) => T,
    env: Record<string, string> = {},
    plugins?: LoadedPlugin[],
  ): Promise<T> {
    const lrs = await createTestLrs(env, plugins);
    const admin = await lrs.credential(['admin']);
    const school = await lrs.credential(['statements/write', 'people/login-links'], 'School LMS');
    await request(lrs.app).put(`/people/institutions/${credentialKeyOf(school)}`).set('Authorization', admin).send({ homePages: [SCHOOL] }).expect(200);
    const college = await lrs.credential(['statements/write'], 'College LMS');
    lrs.services.events.start();
    return new this(lrs, admin, school, college);
  }

  async close(): Promise<void> {
    await this.lrs.services.events.stop();
    await this.lrs.close();
  }

  /** Stores the statements (one batch, expecting 200) and waits until every plugin has handled them. */
  async store(statements: object[], auth = this.school): Promise<string[]> {
    const response = await request(this.lrs.app).post('/xapi/statements').set(XAPI_VERSION_HEADER).set('Authorization', auth).send(statements);
    expect(response.status).toBe(200);
    await this.delivered();
    return response.body as string[];
  }

  /** Runs one of a plugin's jobs once, as its schedule would (throws when the plugin or job is not loaded). */
  async runJob(plugin: string, job: string): Promise<void> {
    const entry = this.lrs.services.plugins.find((running) => running.name === plugin)?.jobs.find((declared) => declared.name === job);
    if (entry === undefined) throw new Error(`No job ${job} of a loaded plugin ${plugin}`);
    await entry.job.run();
  }

  /** Waits until every event subscriber has caught up with the statements stored so far. */
  async delivered(): Promise<void> {
    const { events } = this.lrs.services;
    events.notify();
    const deadline = Date.now() + 10_000;
    for (;;) {
      const behind = (await events.status()).filter((status) => status.lag > 0);
      if (behind.length === 0) return;
      if (Date.now() > deadline) throw new Error(`event subscribers did not catch up: ${JSON.stringify(behind)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** A browser signed in, through a login link, as the person of a school account. */
  async signedIn<I extends object>(identity: I) {
    const { app } = this.lrs;
    const { url } = (await request(app).post('/people/login-links').set('Authorization', this.school).send({ agent: identity }).expect(201)).body;
    const browser = request.agent(app);
    const page = await browser.get(new URL(url).pathname).expect(200);
    const token = /name="token" value="([^"]+)"/.exec(page.text)![1]!;
    await browser.post('/sign-in/link').type('form').send({ _csrf: csrfFieldOf(page.text), token }).expect(303);
    const people = await request(app).get(`/people?agent=${encodeURIComponent(JSON.stringify(identity))}`).set('Authorization', this.admin).expect(200);
    return { browser, identity, personId: people.body.people[0].id as string };
  }

  async link(personId: string, identity: object): Promise<void> {
    await request(this.lrs.app).post(`/people/${personId}/identities`).set('Authorization', this.admin).send({ agent: identity }).expect(201);
  }
}

/** The key of a Basic credential header (its user name). */
export function credentialKeyOf(basicAuthorization: string): string {
  return Buffer.from(basicAuthorization.split(' ')[1]!, 'base64').toString().split(':')[0]!;
}
