import type { StoredStatement } from '../../plugin-api';
import { timelineEntries } from './timeline-entries';

const AUTHORITY = { objectType: 'Agent', account: { homePage: 'https://school.example/', name: 'school' } };

function entriesOf(type: string | undefined, authority: object = AUTHORITY) {
  const statement = {
    id: '6f1c3b7e-2a4d-4c59-9a1e-0d2f3b4c5a6e',
    actor: { objectType: 'Agent', mbox: 'mailto:ana@example.org' },
    verb: { id: 'http://id.tincanapi.com/verb/earned' },
    object: { objectType: 'Activity', id: 'https://school.example/achievements/1', ...(type && { definition: { type } }) },
    authority,
    stored: '2026-12-02T10:00:00.000Z',
    timestamp: '2026-12-02T10:00:00.000Z',
    version: '1.0.3',
  } as unknown as StoredStatement;
  return timelineEntries({ id: statement.id, statement, stored: new Date(statement.stored) });
}

const kindOf = (type: string | undefined) => entriesOf(type)[0]!.kind;

describe('the kind of a timeline entry', () => {
  it.each([
    ['http://adlnet.gov/expapi/activities/course', 'course'],
    ['http://adlnet.gov/expapi/activities/lesson', 'class'],
    ['http://id.tincanapi.com/activitytype/tutor-session', 'session'],
    ['http://activitystrea.ms/schema/1.0/badge', 'achievement'],
    ['https://w3id.org/keiko/profiles/passport/activity-types/achievement', 'achievement'],
    ['https://w3id.org/keiko/profiles/passport/activity-types/credential', 'achievement'],
    ['http://adlnet.gov/expapi/activities/question', 'interaction'],
    [undefined, 'interaction'],
  ])('comes from the activity type %s: %s', (type, kind) => {
    expect(kindOf(type)).toBe(kind);
  });
});

describe('what the passport records itself', () => {
  it('is no timeline item (shares and exports are about the passport, not learning)', () => {
    const passport = { objectType: 'Agent', name: 'Keiko LRS', account: { homePage: 'https://lrs.example', name: 'plugin/passport' } };
    expect(entriesOf('https://w3id.org/keiko/profiles/passport/activity-types/passport', passport)).toEqual([]);
    const anotherPlugin = { ...passport, account: { ...passport.account, name: 'plugin/reputation' } };
    expect(entriesOf(undefined, anotherPlugin)).toHaveLength(1);
  });
});
