import { useTestSqliteDatabase } from '../../test-support/sqlite';
import { SqliteCollectionStore } from '../storage/collections/sqlite-collection-store';
import { createStatementValidator } from '../xapi/statements/validation/validate-statement';
import { parseAgent } from './identities';
import { PeopleService } from './people-service';
import { TokenCollection } from './token-collection';

const database = useTestSqliteDatabase();
const validator = createStatementValidator();
const agent = (value: unknown) => parseAgent(value, (input, path) => validator.validateActor(input, path));
let counter = 0;
const account = () => agent({ account: { homePage: 'https://school.example', name: `learner-${(counter += 1)}` } });

describe('PeopleService', () => {
  let people: PeopleService;
  beforeAll(async () => {
    people = await PeopleService.open(new SqliteCollectionStore(database()));
  });

  it('links each identity to one person at most (409 IDENTITY_TAKEN), leaving nothing half-made', async () => {
    const shared = account();
    const ana = await people.create('Ana', [shared], 'admin');
    await expect(people.create('Eve', [account(), shared], 'admin')).rejects.toMatchObject({ status: 409, code: 'IDENTITY_TAKEN' });
    expect((await people.personOf(shared.key))?.id).toBe(ana.id);
    expect(await people.list(100)).not.toContainEqual(expect.objectContaining({ name: 'Eve' }));
  });

  it('treats an mbox whose domain differs only in case as the same identity', async () => {
    const person = await people.create('Bea', [agent({ mbox: 'mailto:bea@Example.org' })], 'admin');
    expect((await people.personOf(agent({ mbox: 'mailto:bea@example.ORG' }).key))?.id).toBe(person.id);
  });

  it('lets only one of concurrent links of an identity succeed', async () => {
    const contested = account();
    const [first, second] = await Promise.all([people.create('One', [], 'admin'), people.create('Two', [], 'admin')]);
    const outcomes = await Promise.allSettled([people.link(first.id, contested, 'admin'), people.link(second.id, contested, 'admin')]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
  });

  it('findOrCreate finds the person of any identity, links the unclaimed ones, and never takes another person’s', async () => {
    const [mine, email, theirs] = [account(), agent({ mbox: `mailto:p${counter}@example.org` }), account()];
    const other = await people.create('Other', [theirs], 'admin');
    const person = await people.create('Me', [email], 'admin');
    expect((await people.findOrCreate([mine, email], 'ignored', 'sign-in')).id).toBe(person.id);
    expect((await people.personOf(mine.key))?.id).toBe(person.id);
    const created = await people.findOrCreate([account()], 'New', 'login-link');
    expect(created.name).toBe('New');
    expect((await people.personOf(theirs.key))?.id).toBe(other.id);
  });

  it('grants and revokes roles', async () => {
    const person = await people.create('Roles', [], 'admin');
    await people.grant(person.id, 'tutor');
    await people.grant(person.id, 'tutor');
    await people.grant(person.id, 'moderator');
    expect((await people.get(person.id))?.roles).toEqual(['tutor', 'moderator']);
    await people.revoke(person.id, 'tutor');
    expect(await people.hasRole(person.id, 'tutor')).toBe(false);
    expect(await people.hasRole(person.id, 'moderator')).toBe(true);
  });
});

describe('TokenCollection', () => {
  let now = new Date('2026-01-01T00:00:00Z');
  let tokens: TokenCollection<{ personId: string }>;
  beforeAll(async () => {
    tokens = await TokenCollection.open(new SqliteCollectionStore(database()), 'test_tokens', () => now);
  });

  it('gives a token once, to one of concurrent takers', async () => {
    const { token } = await tokens.issue({ personId: 'p' }, 60_000);
    const taken = await Promise.all([tokens.take(token), tokens.take(token), tokens.take(token)]);
    expect(taken.filter((value) => value !== undefined)).toEqual([expect.objectContaining({ personId: 'p' })]);
  });

  it('gives nothing once the token has expired', async () => {
    const { token } = await tokens.issue({ personId: 'p' }, 60_000);
    now = new Date(now.getTime() + 60_000);
    expect(await tokens.peek(token)).toBeUndefined();
    expect(await tokens.take(token)).toBeUndefined();
  });

  it('refuses what is not a token without a lookup', async () => {
    expect(await tokens.take('short')).toBeUndefined();
  });
});
