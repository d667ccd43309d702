import type { StoredStatement } from '../../../plugin-api';
import { parseFilters, statementFilter, voidedTargetOf } from './filters';

const ana = { mbox: 'mailto:Ana@Example.org' };
const registration = '6a9b1d2e-0c4f-4b7e-9d51-2f3c4a5b6c7d';
const profile = 'https://w3id.org/xapi/cmi5/v1.0';

function statement(overrides: Partial<StoredStatement> = {}): StoredStatement {
  return {
    id: '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3',
    actor: { objectType: 'Agent', mbox: 'mailto:bea@example.org' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/completed' },
    object: { objectType: 'Activity', id: 'https://example.org/courses/1' },
    context: { registration, contextActivities: { category: [{ id: profile }] } },
    stored: '2026-01-01T00:00:00.000Z',
    timestamp: '2026-01-01T00:00:00.000Z',
    authority: { objectType: 'Agent', mbox: 'mailto:lrs@example.org' },
    version: '1.0.3',
    ...overrides,
  } as StoredStatement;
}

describe('subscription filters (issue 15: agent, verb, activity, registration, profile; xAPI Data §2.4)', () => {
  it('lets every statement pass without filters', () => {
    expect(statementFilter({})(statement())).toBe(true);
  });

  it('matches an agent as the actor or as the object, by IFI (an mbox domain compared case-insensitively, Data §2.4.2.3)', () => {
    const matches = statementFilter(parseFilters({ agents: [{ mbox: 'mailto:Ana@example.ORG' }] }));
    expect(matches(statement({ actor: { objectType: 'Agent', ...ana } }))).toBe(true);
    expect(matches(statement({ object: { objectType: 'Agent', ...ana } }))).toBe(true);
    expect(matches(statement())).toBe(false);
    expect(matches(statement({ object: { objectType: 'Activity', id: 'mailto:Ana@Example.org' } }))).toBe(false);
  });

  it('matches a verb id, an activity object id, a registration and a context category (profile)', () => {
    expect(statementFilter({ verbs: ['http://adlnet.gov/expapi/verbs/completed'] })(statement())).toBe(true);
    expect(statementFilter({ verbs: ['http://adlnet.gov/expapi/verbs/passed'] })(statement())).toBe(false);
    expect(statementFilter({ activities: ['https://example.org/courses/1'] })(statement())).toBe(true);
    expect(statementFilter({ activities: ['https://example.org/courses/1'] })(statement({ object: { objectType: 'StatementRef', id: 'https://example.org/courses/1' } as never }))).toBe(false);
    expect(statementFilter(parseFilters({ registrations: [registration.toUpperCase()] }))(statement())).toBe(true);
    expect(statementFilter({ registrations: [registration] })(statement({ context: {} }))).toBe(false);
    expect(statementFilter({ profiles: [profile] })(statement())).toBe(true);
    expect(statementFilter({ profiles: [profile] })(statement({ context: { contextActivities: { category: { id: profile } as never } } }))).toBe(true);
    expect(statementFilter({ profiles: ['https://example.org/other-profile'] })(statement())).toBe(false);
  });

  it('needs every kind given to match (AND) and any value of one kind (OR)', () => {
    const matches = statementFilter({ verbs: ['http://adlnet.gov/expapi/verbs/passed', 'http://adlnet.gov/expapi/verbs/completed'], activities: ['https://example.org/courses/2'] });
    expect(matches(statement())).toBe(false);
    expect(matches(statement({ object: { objectType: 'Activity', id: 'https://example.org/courses/2' } }))).toBe(true);
  });

  it('names the target of a voiding statement only', () => {
    const voiding = statement({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: 'e1e2e3e4-0000-4000-8000-000000000001' } as never });
    expect(voidedTargetOf(voiding)).toBe('e1e2e3e4-0000-4000-8000-000000000001');
    expect(voidedTargetOf(statement())).toBeUndefined();
  });

  it.each([
    [[], 'filters must be a JSON object'],
    [{ actors: [] }, 'Unknown field filters.actors'],
    [{ verbs: [] }, 'filters.verbs must be a list of 1 to 100 values'],
    [{ verbs: 'http://adlnet.gov/expapi/verbs/completed' }, 'filters.verbs must be a list'],
    [{ verbs: ['completed'] }, 'filters.verbs[0] must be an IRI'],
    [{ activities: ['https://example.org/a', 7] }, 'filters.activities[1] must be an IRI'],
    [{ profiles: ['not an iri'] }, 'filters.profiles[0] must be an IRI'],
    [{ registrations: ['abc'] }, 'filters.registrations[0] must be a UUID'],
    [{ agents: [{ name: 'Ana' }] }, 'filters.agents[0] is not an Agent with one identifier'],
    [{ agents: [{ mbox: 'ana@example.org' }] }, 'filters.agents[0] is not an Agent with one identifier'],
    [{ agents: ['mailto:ana@example.org'] }, 'filters.agents[0] must be an Agent'],
  ])('refuses %j with 400 INVALID_SUBSCRIPTION naming the field', (input, message) => {
    expect(() => parseFilters(input)).toThrow(expect.objectContaining({ status: 400, code: 'INVALID_SUBSCRIPTION', message: expect.stringContaining(message) }));
  });
});
