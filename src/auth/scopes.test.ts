import {
  DEFAULT_SCOPES,
  SCOPES,
  authorize,
  holdsScope,
  isScope,
  parseScopes,
  scopesAllowing,
  type Decision,
  type Operation,
  type Resource,
} from './scopes';

const RESOURCES: Resource[] = [
  'statements',
  'state',
  'activities/profile',
  'agents/profile',
  'activities',
  'agents',
  'about',
];
const OPERATIONS: Operation[] = RESOURCES.flatMap((resource) => [
  { resource, write: false },
  { resource, write: true },
]);

const label = (operation: Operation) => `${operation.write ? 'write' : 'read'} ${operation.resource}`;

/** What a credential holding only this scope may do, besides reading /about (always allowed). */
const EXPECTED: Record<(typeof SCOPES)[number], Partial<Record<string, Decision>>> = {
  'statements/write': { 'write statements': 'allow' },
  'statements/read': { 'read statements': 'allow', 'read activities': 'allow', 'read agents': 'allow' },
  'statements/read/mine': { 'read statements': 'allow-mine' },
  state: { 'read state': 'allow', 'write state': 'allow' },
  define: { 'write activities': 'allow', 'write agents': 'allow' },
  profile: {
    'read activities/profile': 'allow',
    'write activities/profile': 'allow',
    'read agents/profile': 'allow',
    'write agents/profile': 'allow',
  },
  'all/read': Object.fromEntries(OPERATIONS.filter((op) => !op.write).map((op) => [label(op), 'allow'])),
  all: Object.fromEntries(OPERATIONS.map((op) => [label(op), 'allow'])),
  // Keiko's own scopes grant nothing in the xAPI: the bootstrap admin holds `all` beside `admin`.
  admin: {},
  'people/links': {},
  'people/login-links': {},
};

describe('authorize', () => {
  describe.each(SCOPES)('with only %s', (scope) => {
    it.each(OPERATIONS.map((op) => [label(op), op] as const))('%s', (name, operation) => {
      const expected = name === 'read about' ? 'allow' : (EXPECTED[scope][name] ?? 'deny');
      expect(authorize([scope], operation)).toBe(expected);
    });
  });

  it('allows reading /about with no scope at all', () => {
    expect(authorize([], { resource: 'about', write: false })).toBe('allow');
  });

  it('denies everything else with no scope', () => {
    for (const operation of OPERATIONS.filter((op) => label(op) !== 'read about')) {
      expect(authorize([], operation)).toBe('deny');
    }
  });

  it('prefers full statement reads over read/mine when both are granted', () => {
    const readStatements: Operation = { resource: 'statements', write: false };
    expect(authorize(['statements/read/mine', 'statements/read'], readStatements)).toBe('allow');
    expect(authorize(['statements/read/mine', 'all/read'], readStatements)).toBe('allow');
  });

  it('gives the default scopes write and read/mine on statements only', () => {
    expect(authorize(DEFAULT_SCOPES, { resource: 'statements', write: true })).toBe('allow');
    expect(authorize(DEFAULT_SCOPES, { resource: 'statements', write: false })).toBe('allow-mine');
    expect(authorize(DEFAULT_SCOPES, { resource: 'state', write: true })).toBe('deny');
  });
});

describe('scopesAllowing', () => {
  it('lists read/mine among the scopes allowing statement reads', () => {
    expect(scopesAllowing({ resource: 'statements', write: false })).toEqual([
      'statements/read',
      'all/read',
      'all',
      'statements/read/mine',
    ]);
  });

  it('lists the write scopes for a write', () => {
    expect(scopesAllowing({ resource: 'agents/profile', write: true })).toEqual(['profile', 'all']);
  });

  it('is empty when no scope is needed', () => {
    expect(scopesAllowing({ resource: 'about', write: false })).toEqual([]);
  });

  it('agrees with authorize for every single scope', () => {
    for (const operation of OPERATIONS) {
      const allowing = scopesAllowing(operation);
      for (const scope of SCOPES) {
        const allowed = authorize([scope], operation) !== 'deny';
        const listed = allowing.length === 0 || allowing.includes(scope);
        expect([label(operation), scope, allowed]).toEqual([label(operation), scope, listed]);
      }
    }
  });
});

describe('parseScopes', () => {
  it('accepts comma- and space-separated lists and drops duplicates', () => {
    expect(parseScopes('statements/write, statements/read all statements/write')).toEqual([
      'statements/write',
      'statements/read',
      'all',
    ]);
  });

  it('rejects unknown scopes, naming them', () => {
    expect(() => parseScopes('statements/write,statements/delete')).toThrow(/statements\/delete/);
  });

  it('rejects an empty list', () => {
    expect(() => parseScopes(' , ')).toThrow(/No scopes/);
  });
});

describe('isScope', () => {
  it('recognizes the xAPI scopes, Keiko scopes and well-formed plugin scopes, nothing else', () => {
    expect(SCOPES.every(isScope)).toBe(true);
    expect(isScope('All')).toBe(false);
    expect(isScope('statements')).toBe(false);
    expect(isScope('plugins/passport/shares')).toBe(true);
    expect(isScope('plugins/passport')).toBe(false);
    expect(isScope('plugins/Passport/shares')).toBe(false);
  });
});

describe('holdsScope', () => {
  it('grants a Keiko or plugin scope to its holder and to admin only', () => {
    expect(holdsScope(['people/login-links'], 'people/login-links')).toBe(true);
    expect(holdsScope(['admin'], 'plugins/passport/shares')).toBe(true);
    expect(holdsScope(['all'], 'plugins/passport/shares')).toBe(false);
    expect(holdsScope(['people/links'], 'people/login-links')).toBe(false);
  });
});
