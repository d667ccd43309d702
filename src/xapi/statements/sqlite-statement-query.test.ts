import { useTestSqliteDatabase } from '../../../test-support/sqlite';
import { buildScanQuery, buildStatementQuery, type SqlQuery } from './sqlite-statement-storage';
import type { StatementQuery } from './statement-storage';

/**
 * No GET statements shape scans a table or sorts its matches (Communication 2.1.3 parameters):
 * each is an index walk that stops at the page's limit. Checked with EXPLAIN QUERY PLAN on the
 * real schema for every filter parameter, alone and combined, in both directions, with and
 * without a `more` position and `since`/`until`, and for statements/read/mine credentials.
 */
const database = useTestSqliteDatabase();

const AGENT = { agentKey: 'mbox:mailto:a@example.org' };
const FILTERS: Record<string, Partial<StatementQuery>> = {
  unfiltered: {},
  agent: AGENT,
  'agent+related_agents': { ...AGENT, relatedAgents: true },
  activity: { activity: 'http://example.org/a' },
  'activity+related_activities': { activity: 'http://example.org/a', relatedActivities: true },
  verb: { verb: 'http://example.org/v' },
  registration: { registration: 'a1b2c3d4-0000-4000-8000-000000000000' },
  'agent+verb': { ...AGENT, verb: 'http://example.org/v' },
  'agent+activity+verb+registration': {
    ...AGENT,
    activity: 'http://example.org/a',
    verb: 'http://example.org/v',
    registration: 'a1b2c3d4-0000-4000-8000-000000000000',
  },
};
const VARIANTS: Record<string, Partial<StatementQuery>> = {
  plain: {},
  ascending: { ascending: true },
  since: { since: new Date(1_700_000_000_000) },
  'since+until': { since: new Date(1_700_000_000_000), until: new Date(1_800_000_000_000) },
  more: { after: { stored: new Date(1_700_000_000_000), id: 'x' } },
  'more ascending': { after: { stored: new Date(1_700_000_000_000), id: 'x' }, ascending: true },
  'statements/read/mine': { credentialKey: 'key' },
};

function plan(query: SqlQuery): string[] {
  const rows = database().prepare(`EXPLAIN QUERY PLAN ${query.sql}`).all(...query.params) as { detail: string }[];
  return rows.map((row) => row.detail);
}

/** A full scan reads `SCAN <table>` with no index; a sort of the matches needs a temporary B-tree. */
function problems(details: string[]): string[] {
  return details.filter((detail) => /^SCAN \w+$/.test(detail) || /TEMP B-TREE/.test(detail));
}

describe('SQLite statement query plans', () => {
  for (const [filterName, filter] of Object.entries(FILTERS)) {
    for (const [variantName, variant] of Object.entries(VARIANTS)) {
      it(`${filterName}, ${variantName}: an index walk, no scan, no sort`, () => {
        const query: StatementQuery = { relatedAgents: false, relatedActivities: false, ascending: false, limit: 100, ...filter, ...variant };
        const built = buildStatementQuery(query, { valueId: () => 7, seqOf: () => 42 })!;
        const details = plan(built);
        expect({ details, problems: problems(details) }).toEqual({ details, problems: [] });
      });
    }
  }

  it('statementId: a lookup by the unique id index', () => {
    const details = plan({ sql: 'SELECT * FROM statements WHERE id = ?', params: ['x'] });
    expect(details.join('\n')).toMatch(/SEARCH statements USING INDEX sqlite_autoindex_statements_1 \(id=\?\)/);
  });

  it('the anchoring scan walks (stored, seq) from its position', () => {
    for (const after of [undefined, { stored: new Date(1_700_000_000_000), id: 'x' }]) {
      const details = plan(buildScanQuery(after, new Date(), 100, () => 1));
      expect({ details, problems: problems(details) }).toEqual({ details, problems: [] });
    }
  });

  it('the checker itself recognises a full scan and a sort', () => {
    expect(problems(plan({ sql: 'SELECT * FROM statements WHERE body = ?', params: ['x'] }))).toHaveLength(1);
    expect(problems(plan({ sql: 'SELECT * FROM statements WHERE stored > 0 ORDER BY fingerprint LIMIT 1', params: [] }))).not.toHaveLength(0);
  });
});
