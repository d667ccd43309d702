import { BadRequestCode, BadRequestError } from '../../../errors';
import {
  createStatementValidator,
  isIri,
  isIsoTimestamp,
  isLanguageTag,
  isUuid,
} from './validate-statement';

/** Spec section references are to xAPI-Data.md (1.0.3) unless noted. */

const validator = createStatementValidator();

type Json = Record<string, unknown>;

const UUID = '6690e6c9-3ef0-4ed3-8b37-7f3964730bee';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';
const SHA2 = '495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a';

const agent = (extra: Json = {}): Json => ({ objectType: 'Agent', name: 'Ann', mbox: 'mailto:ann@example.com', ...extra });
const activity = (extra: Json = {}): Json => ({ objectType: 'Activity', id: 'http://example.com/activities/1', ...extra });
const statementRef = (): Json => ({ objectType: 'StatementRef', id: UUID });
const anonymousGroup = (extra: Json = {}): Json => ({
  objectType: 'Group',
  member: [{ mbox: 'mailto:bob@example.com' }, { account: { homePage: 'https://lms.example.com', name: 'carl' } }],
  ...extra,
});

function statement(extra: Json = {}): Json {
  return {
    actor: agent(),
    verb: { id: 'http://adlnet.gov/expapi/verbs/attended', display: { 'en-US': 'attended' } },
    object: activity(),
    ...extra,
  };
}

function subStatement(extra: Json = {}): Json {
  const { actor, verb, object } = statement();
  return { objectType: 'SubStatement', actor, verb, object, ...extra };
}

function definition(def: Json): Json {
  return statement({ object: activity({ definition: def }) });
}

function rejection(run: () => void): BadRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof BadRequestError) return error;
    throw error;
  }
  throw new Error('expected a BadRequestError, but the input was accepted');
}

/** Asserts the statement is rejected with a message naming `path`; returns the message. */
function expectRejected(input: unknown, path: string): string {
  const error = rejection(() => validator.validateStatement(input));
  expect(error.code).toBe(BadRequestCode.InvalidStatement);
  expect(error.status).toBe(400);
  expect(error.message.slice(0, path.length + 2)).toBe(`${path}: `);
  return error.message;
}

function expectAccepted(input: unknown): void {
  expect(() => validator.validateStatement(input)).not.toThrow();
}

describe('Data 2.2 — Formatting requirements', () => {
  it('Data 2.4.s2 — accepts the simplest example Statement of the spec', () => {
    expectAccepted({
      id: '12345678-1234-5678-1234-567812345678',
      actor: { mbox: 'mailto:xapi@adlnet.gov' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/created', display: { 'en-US': 'created' } },
      object: { id: 'http://example.adlnet.gov/xapi/example/activity' },
    });
  });

  it('Data 2.2.s2.b3 — a Statement MUST use "actor", "verb" and "object"', () => {
    for (const key of ['actor', 'verb', 'object']) {
      const input = statement();
      delete input[key];
      expect(expectRejected(input, `statement.${key}`)).toMatch(/is required/);
    }
  });

  it('Data 2.2.s4.b1 — rejects a Statement that is not a JSON object', () => {
    expectRejected('a statement', 'statement');
    expectRejected([statement()], 'statement');
    expectRejected(null, 'statement');
  });

  it.each([
    ['statement.actor.name', statement({ actor: agent({ name: null }) })],
    ['statement.verb.display["en-US"]', statement({ verb: { id: 'http://example.com/v', display: { 'en-US': null } } })],
    ['statement.context.registration', statement({ context: { registration: null } })],
    ['statement.object.definition.moreInfo', definition({ moreInfo: null })],
    ['statement.result', statement({ result: null })],
    ['statement.timestamp', statement({ timestamp: null })],
    ['statement.object.actor.mbox', statement({ object: subStatement({ actor: { mbox: null } }) })],
  ])('Data 2.2.s4.b1.b1 — rejects a null value (%s)', (path, input) => {
    expect(expectRejected(input, path)).toMatch(/must not be null/);
  });

  it('Data 2.2.s4.b1.b1 — accepts null values inside extensions', () => {
    expectAccepted(statement({ result: { extensions: { 'http://example.com/ext': null } } }));
    expectAccepted(statement({ context: { extensions: { 'http://example.com/ext': { nested: null } } } }));
    expectAccepted(definition({ extensions: { 'http://example.com/ext': [null] } }));
  });

  it.each([
    ['statement.result.score.raw', statement({ result: { score: { raw: '5' } } })],
    ['statement.result.success', statement({ result: { success: 'true' } })],
    ['statement.result.completion', statement({ result: { completion: 1 } })],
    ['statement.result.response', statement({ result: { response: 42 } })],
    ['statement.attachments[0].length', statement({ attachments: [attachment({ length: '27' })] })],
    ['statement.actor.name', statement({ actor: agent({ name: { first: 'Ann' } }) })],
    ['statement.context', statement({ context: 'a context' })],
    ['statement.attachments', statement({ attachments: attachment() })],
  ])('Data 2.2.s4.b1.b2 — rejects the wrong data type (%s)', (path, input) => {
    expect(expectRejected(input, path)).toMatch(/must be an? /);
  });

  it.each([
    ['statement.id', statement({ id: '' })],
    ['statement.verb.id', statement({ verb: { id: '' } })],
    ['statement.actor.mbox', statement({ actor: { mbox: '' } })],
    ['statement.context.registration', statement({ context: { registration: '' } })],
  ])('Data 2.2.s4.b1.b4 — rejects an empty string where a formatted string is required (%s)', (path, input) => {
    expectRejected(input, path);
  });

  it('Data 2.2.s4.b1.b5 — rejects keys whose case differs from the specification', () => {
    const { actor, ...rest } = statement();
    expectRejected({ ...rest, Actor: actor }, 'statement.actor');
    expectRejected(statement({ Result: { success: true } }), 'statement.Result');
    expectRejected(statement({ actor: { MBOX: 'mailto:ann@example.com' } }), 'statement.actor.MBOX');
  });

  it('Data 2.2.s4.b1.b6 — rejects enumerated values whose case differs', () => {
    expectRejected(statement({ actor: agent({ objectType: 'agent' }) }), 'statement.actor.objectType');
    expectRejected(statement({ object: activity({ objectType: 'activity' }) }), 'statement.object.objectType');
    expectRejected(definition({ interactionType: 'Choice' }), 'statement.object.definition.interactionType');
  });

  it.each([
    ['statement.extra', statement({ extra: 1 })],
    ['statement.actor.member', statement({ actor: agent({ member: [] }) })],
    ['statement.actor.id', statement({ actor: agent({ id: UUID }) })],
    ['statement.verb.name', statement({ verb: { id: 'http://example.com/v', name: { en: 'x' } } })],
    ['statement.object.definition', statement({ object: { ...statementRef(), definition: {} } })],
    ['statement.object.actor', statement({ object: activity({ actor: agent() }) })],
    ['statement.object.definition.foo', definition({ foo: 'bar' })],
    ['statement.result.score.percent', statement({ result: { score: { percent: 3 } } })],
    ['statement.context.team.foo', statement({ context: { team: anonymousGroup({ foo: 1 }) } })],
    ['statement.actor.account.email', statement({ actor: { account: { homePage: 'https://a.example', name: 'n', email: 'x' } } })],
  ])('Data 2.2.s4.b1.b7 / s4.b8 — rejects a key not allowed for the object (%s)', (path, input) => {
    expect(expectRejected(input, path)).toMatch(/is not allowed in /);
  });

  it('Data 2.2.s4.b1.b7 — names the kind of object the key is not allowed in', () => {
    expect(expectRejected(statement({ actor: agent({ member: [] }) }), 'statement.actor.member')).toBe(
      'statement.actor.member: is not allowed in an Agent',
    );
  });

  it.each([
    ['statement.verb.id', statement({ verb: { id: 'adlnet.gov/expapi/verbs/attended' } })],
    ['statement.actor.openid', statement({ actor: { openid: 'open.id.com/testUser' } })],
    ['statement.actor.account.homePage', statement({ actor: { account: { homePage: 'homePage.com/testUser', name: '1' } } })],
    ['statement.object.id', statement({ object: activity({ id: 'www.example.com/meetings/occurances/34534' }) })],
    ['statement.object.definition.type', definition({ type: 'adlnet.gov/expapi/activities/meeting' })],
    ['statement.object.definition.moreInfo', definition({ moreInfo: 'virtualmeeting.example.com/345256' })],
    ['statement.attachments[0].usageType', statement({ attachments: [attachment({ usageType: 'example.com/usage' })] })],
    ['statement.attachments[0].fileUrl', statement({ attachments: [attachment({ fileUrl: 'over.there.com/file.txt' })] })],
    ['statement.object.definition.extensions["example.com/ext"]', definition({ extensions: { 'example.com/ext': 1 } })],
    ['statement.context.extensions["example.com/ext"]', statement({ context: { extensions: { 'example.com/ext': 1 } } })],
    ['statement.result.extensions["example.com/ext"]', statement({ result: { extensions: { 'example.com/ext': 1 } } })],
  ])('Data 2.2.s4.b1.b8 — rejects an IRI or IRL without a scheme (%s)', (path, input) => {
    expectRejected(input, path);
  });
});

describe('Data 2.4.1 — id', () => {
  it.each([UUID, UUID.toUpperCase(), '12345678-1234-5678-1234-567812345678'])(
    'Data 2.4.1.s1 — accepts the UUID %s (any case, any version)',
    (id) => expectAccepted(statement({ id })),
  );

  it.each([
    'AA97B177-9383-4934-8543-0F91A7A028368',
    'MA97B177-9383-4934-8543-0F91A7A02836',
    `{${UUID}}`,
    UUID.replace(/-/g, ''),
    `urn:uuid:${UUID}`,
  ])('Data 2.4.1.s1 / 4.4 — rejects %s, which is not a UUID in standard string form', (id) => {
    expect(expectRejected(statement({ id }), 'statement.id')).toMatch(/must be a UUID/);
  });

  it('Data 2.4.1 — rejects an id that is not a string', () => {
    expectRejected(statement({ id: 12345 }), 'statement.id');
    expectRejected(statement({ id: { key: 'value' } }), 'statement.id');
  });
});

/** Every place an Agent can appear, and the path the validator reports for it. */
const AGENT_POSITIONS: Array<[string, (a: Json) => Json]> = [
  ['statement.actor', (a) => statement({ actor: a })],
  ['statement.object', (a) => statement({ object: { ...a, objectType: 'Agent' } })],
  ['statement.context.instructor', (a) => statement({ context: { instructor: a } })],
  ['statement.authority', (a) => statement({ authority: a })],
  ['statement.actor.member[1]', (a) => statement({ actor: anonymousGroup({ member: [agent(), a] }) })],
  ['statement.object.actor', (a) => statement({ object: subStatement({ actor: a }) })],
  ['statement.object.object', (a) => statement({ object: subStatement({ object: { ...a, objectType: 'Agent' } }) })],
  ['statement.object.context.instructor', (a) => statement({ object: subStatement({ context: { instructor: a } }) })],
];

describe('Data 2.4.2.1 — Agent', () => {
  it.each(AGENT_POSITIONS)('Data 2.4.2.1 — accepts an Agent identified by each IFI at %s', (_path, place) => {
    expectAccepted(place({ mbox: 'mailto:xapi@adlnet.gov' }));
    expectAccepted(place({ mbox_sha1sum: 'cd9b00a5611f94eaa7b1661edab976068e364975' }));
    expectAccepted(place({ openid: 'http://openid.example.org/12345' }));
    expectAccepted(place({ account: { homePage: 'http://www.example.com', name: 'xAPI account name' } }));
  });

  it.each(AGENT_POSITIONS)('Data 2.4.2.1.s2.b1 — an Agent MUST have an IFI (%s)', (path, place) => {
    expect(expectRejected(place({ name: 'Nobody' }), path)).toBe(
      `${path}: an Agent must have exactly one of mbox, mbox_sha1sum, openid, account (found 0; Data 2.4.2.1.s2.b1)`,
    );
  });

  it.each(AGENT_POSITIONS)('Data 2.4.2.1.s2.b2 — an Agent MUST NOT have more than one IFI (%s)', (path, place) => {
    const message = expectRejected(place({ mbox: 'mailto:a@example.com', openid: 'http://openid.example.org/1' }), path);
    expect(message).toMatch(/exactly one of mbox, mbox_sha1sum, openid, account \(found 2/);
  });

  it('Data 2.4.2.1.s2.table1.row1 — objectType is optional and, when present, "Agent"', () => {
    expectAccepted(statement({ actor: { mbox: 'mailto:ann@example.com' } }));
    expectRejected(statement({ actor: agent({ objectType: 'Person' }) }), 'statement.actor.objectType');
    expectRejected(statement({ actor: agent({ objectType: 123 }) }), 'statement.actor.objectType');
  });

  it('Data 2.4.2.1.s2.table1.row2 — name is a String', () => {
    expectRejected(statement({ actor: agent({ name: 123 }) }), 'statement.actor.name');
  });
});

describe('Data 2.4.2.2 — Group', () => {
  it('Data 2.4.2.2.s2 — accepts anonymous and identified Groups', () => {
    expectAccepted(statement({ actor: anonymousGroup({ name: 'Team' }) }));
    expectAccepted(statement({ actor: { objectType: 'Group', account: { homePage: 'http://www.example.com', name: 'g' } } }));
    expectAccepted(statement({ actor: { objectType: 'Group', mbox: 'mailto:g@example.com', member: [agent()] } }));
  });

  it('Data 2.4.2.2.s2.table1.row1 — a Group MUST have objectType "Group"', () => {
    // Without objectType the object is an Agent, and an Agent has no "member".
    expectRejected(statement({ actor: { member: [agent()] } }), 'statement.actor.member');
    expectRejected(statement({ context: { team: { mbox: 'mailto:g@example.com' } } }), 'statement.context.team.objectType');
    expectRejected(statement({ actor: anonymousGroup({ objectType: 'group' }) }), 'statement.actor.objectType');
  });

  it('Data 2.4.2.2.s4.b1 — an anonymous Group MUST include a "member" listing Agents', () => {
    const message = expectRejected(statement({ actor: { objectType: 'Group', name: 'Anonymous' } }), 'statement.actor.member');
    expect(message).toMatch(/anonymous Group .* must list at least one Agent in "member"/);
    expectRejected(statement({ actor: { objectType: 'Group', member: [] } }), 'statement.actor.member');
    expectRejected(statement({ context: { team: { objectType: 'Group' } } }), 'statement.context.team.member');
    expectRejected(statement({ object: { objectType: 'Group' } }), 'statement.object.member');
  });

  it('Data 2.4.2.2.s4.b2 / s5.b2 — a Group MUST NOT contain Groups in "member"', () => {
    const group = anonymousGroup({ member: [agent(), anonymousGroup()] });
    expectRejected(statement({ actor: group }), 'statement.actor.member[1].objectType');
    const identified = { objectType: 'Group', mbox: 'mailto:g@example.com', member: [{ objectType: 'Group', mbox: 'mailto:h@example.com' }] };
    expectRejected(statement({ actor: identified }), 'statement.actor.member[0].objectType');
  });

  it('Data 2.4.2.2.s2.table1.row3 — "member" is an array of Agents', () => {
    expectRejected(statement({ actor: anonymousGroup({ member: agent() }) }), 'statement.actor.member');
    expectRejected(statement({ actor: anonymousGroup({ member: [{ name: 'no IFI' }] }) }), 'statement.actor.member[0]');
  });

  it('Data 2.4.2.2.s5.b1 — an identified Group MUST have exactly one IFI', () => {
    const group = { objectType: 'Group', mbox: 'mailto:g@example.com', openid: 'http://openid.example.org/g' };
    expect(expectRejected(statement({ actor: group }), 'statement.actor')).toMatch(/exactly one of .* \(found 2/);
    expectRejected(statement({ context: { team: group } }), 'statement.context.team');
  });

  it('Data 2.4.2.2.s5.b4 — an identified Group MAY omit "member"', () => {
    expectAccepted(statement({ context: { team: { objectType: 'Group', openid: 'http://openid.example.org/g' } } }));
  });
});

describe('Data 2.4.2.3 — Inverse Functional Identifiers', () => {
  it.each(['mailto:should.fail.com', 'http://should.fail.com', 'ann@example.com', 'MAILTO:ann@example.com', 'mailto:ann @example.com'])(
    'Data 2.4.2.3.s3.table1.row1 — rejects the mbox %s (must be "mailto:email address")',
    (mbox) => {
      expect(expectRejected(statement({ actor: { mbox } }), 'statement.actor.mbox')).toMatch(/mailto IRI/);
    },
  );

  it.each(['cd9b00a5611f94eaa7b1661edab976068e36497', 'zd9b00a5611f94eaa7b1661edab976068e364975', 12345])(
    'Data 2.4.2.3.s3.table1.row2 — rejects the mbox_sha1sum %s (40 hex digits)',
    (mbox_sha1sum) => {
      expectRejected(statement({ actor: { mbox_sha1sum } }), 'statement.actor.mbox_sha1sum');
    },
  );

  it('Data 2.4.2.3.s3.table1.row2 — accepts an upper-case hex mbox_sha1sum', () => {
    expectAccepted(statement({ actor: { mbox_sha1sum: 'CD9B00A5611F94EAA7B1661EDAB976068E364975' } }));
  });

  it.each(['open.id.com/testUser', 'ab=c://should.fail.com', 42])(
    'Data 2.4.2.3.s3.table1.row3 — rejects the openid %s (a URI)',
    (openid) => {
      expectRejected(statement({ actor: { openid } }), 'statement.actor.openid');
    },
  );
});

describe('Data 2.4.2.4 — Account', () => {
  it('Data 2.4.2.4.s2.table1 — homePage and name are required', () => {
    expectRejected(statement({ actor: { account: { name: 'n' } } }), 'statement.actor.account.homePage');
    expectRejected(statement({ actor: { account: { homePage: 'http://www.example.com' } } }), 'statement.actor.account.name');
    expectRejected(statement({ authority: { account: { name: 'n' } } }), 'statement.authority.account.homePage');
  });

  it('Data 2.4.2.4.s2.table1.row1 — homePage is an IRL', () => {
    for (const homePage of ['ab=c://should.fail.com', 'urn:example:lms', 'www.example.com']) {
      expectRejected(statement({ actor: { account: { homePage, name: 'n' } } }), 'statement.actor.account.homePage');
    }
  });

  it('Data 2.4.2.4.s2.table1.row2 — name is a String', () => {
    expectRejected(statement({ actor: { account: { homePage: 'http://www.example.com', name: { key: 'value' } } } }), 'statement.actor.account.name');
  });
});

describe('Data 2.4.3 — Verb', () => {
  it('Data 2.4.3.s3.table1.row1 — id is required and is an IRI', () => {
    expectRejected(statement({ verb: { display: { 'en-US': 'attended' } } }), 'statement.verb.id');
    expectRejected(statement({ verb: { id: 'ab=c://should.fail.com' } }), 'statement.verb.id');
    expectAccepted(statement({ verb: { id: 'http://example.com/فعل/خواندن' } }));
  });

  it('Data 2.4.3.s3.table1.row2 — display is a Language Map', () => {
    expectRejected(statement({ verb: { id: 'http://example.com/v', display: 12345 } }), 'statement.verb.display');
    expectRejected(statement({ verb: { id: 'http://example.com/v', display: 'a12345 attended' } }), 'statement.verb.display');
    expectRejected(statement({ verb: { id: 'http://example.com/v', display: { a12345: 'attended' } } }), 'statement.verb.display.a12345');
  });

  it('Data 2.4.3 — a Verb is an object', () => {
    expectRejected(statement({ verb: 'http://example.com/v' }), 'statement.verb');
  });
});

describe('Data 2.4.4 — Object', () => {
  it('Data 2.4.4.s2 — objectType defaults to Activity', () => {
    expectAccepted(statement({ object: { id: 'http://example.com/activities/1' } }));
  });

  it.each(['activity', 'agent', 'group', 'statementref', 'substatement', 'Person'])(
    'Data 2.4.4.s2 — rejects the objectType "%s"',
    (objectType) => {
      const message = expectRejected(statement({ object: { objectType, id: UUID } }), 'statement.object.objectType');
      expect(message).toMatch(/must be one of Activity, Agent, Group, StatementRef, SubStatement/);
    },
  );

  it('Data 2.4.4.2.s1.b1 — an Agent or Group used as an object MUST specify objectType', () => {
    const message = expectRejected(statement({ object: { mbox: 'mailto:ann@example.com' } }), 'statement.object');
    expect(message).toMatch(/must specify objectType/);
    expectRejected(statement({ object: { member: [agent()] } }), 'statement.object');
    expectRejected(statement({ object: subStatement({ object: { mbox: 'mailto:a@example.com' } }) }), 'statement.object.object');
    expectAccepted(statement({ object: agent() }));
    expectAccepted(statement({ object: anonymousGroup() }));
  });
});

describe('Data 2.4.4.1 — Activity', () => {
  it('Data 2.4.4.1.s1.table1.row2 — id is required and is an IRI', () => {
    expectRejected(statement({ object: { objectType: 'Activity' } }), 'statement.object.id');
    expectRejected(statement({ object: activity({ id: 'ab=c://should.fail.com' }) }), 'statement.object.id');
    expectRejected(statement({ object: subStatement({ object: { objectType: 'Activity' } }) }), 'statement.object.object.id');
  });

  it('Data 2.4.4.1.s1.table1.row3 — definition is an Object', () => {
    expectRejected(statement({ object: activity({ definition: 'should error' }) }), 'statement.object.definition');
  });

  it('Data 2.4.4.1.s2 — accepts a full Activity Definition', () => {
    expectAccepted(
      definition({
        name: { 'en-GB': 'example meeting', 'en-US': 'example meeting' },
        description: { 'en-US': 'An example meeting', 'zh-Hant': '會議' },
        type: 'http://adlnet.gov/expapi/activities/meeting',
        moreInfo: 'http://virtualmeeting.example.com/345256',
        extensions: { 'http://example.com/profiles/meetings/extension/location': 'X:\\meetings\\minutes\\examplemeeting.one' },
      }),
    );
  });

  it('Data 2.4.4.1.s2.table1 — name and description are Language Maps, type an IRI, moreInfo an IRL', () => {
    expectRejected(definition({ name: 1234 }), 'statement.object.definition.name');
    expectRejected(definition({ description: 'this is not a language map' }), 'statement.object.definition.description');
    expectRejected(definition({ name: { something: 'x' } }), 'statement.object.definition.name.something');
    expectRejected(definition({ type: 'should error' }), 'statement.object.definition.type');
    expectRejected(definition({ moreInfo: 'should error' }), 'statement.object.definition.moreInfo');
    expectRejected(definition({ extensions: 'should error' }), 'statement.object.definition.extensions');
  });

  const INTERACTIONS: Array<[string, Json]> = [
    ['true-false', { correctResponsesPattern: ['true'] }],
    ['choice', { correctResponsesPattern: ['golf[,]tetris'], choices: [{ id: 'golf' }, { id: 'tetris', description: { 'en-US': 'Tetris' } }] }],
    ['fill-in', { correctResponsesPattern: ["Bob's your uncle"] }],
    ['long-fill-in', { correctResponsesPattern: ['{case_matters=false}{lang=en}To store and provide access'] }],
    ['matching', { correctResponsesPattern: ['ben[.]3'], source: [{ id: 'ben' }], target: [{ id: '3' }] }],
    ['performance', { correctResponsesPattern: ['pong[.]1:[,]dg[.]:10'], steps: [{ id: 'pong' }, { id: 'dg' }] }],
    ['sequencing', { correctResponsesPattern: ['tim[,]mike'], choices: [{ id: 'tim' }, { id: 'mike' }] }],
    ['likert', { correctResponsesPattern: ['likert_3'], scale: [{ id: 'likert_0' }, { id: 'likert_3' }] }],
    ['numeric', { correctResponsesPattern: ['4[:]'] }],
    ['other', { correctResponsesPattern: ['(35.937432,-86.868896)'] }],
  ];

  it.each(INTERACTIONS)('Data 2.4.4.1.s9 — accepts the interactionType "%s" with its component lists', (interactionType, rest) => {
    expectAccepted(definition({ type: 'http://adlnet.gov/expapi/activities/cmi.interaction', interactionType, ...rest }));
    expectAccepted(statement({ object: subStatement({ object: activity({ definition: { interactionType, ...rest } }) }) }));
  });

  it.each(['should error', 'ab=c://should.fail.com', 12345, { test: 'value' }])(
    'Data 2.4.4.1.s13.b1 — rejects the interactionType %p',
    (interactionType) => {
      expectRejected(definition({ interactionType }), 'statement.object.definition.interactionType');
    },
  );

  it.each(['correctResponsesPattern', 'choices', 'scale', 'source', 'target', 'steps'])(
    'Data 2.4.4.1.s8 — "%s" requires an interactionType',
    (key) => {
      const value = key === 'correctResponsesPattern' ? ['a'] : [{ id: 'a' }];
      const message = expectRejected(definition({ [key]: value }), `statement.object.definition.${key}`);
      expect(message).toMatch(/requires "interactionType"/);
    },
  );

  it('Data 2.4.4.1.s8.table1.row2 — correctResponsesPattern is an array of strings', () => {
    expectRejected(definition({ interactionType: 'other', correctResponsesPattern: 'a' }), 'statement.object.definition.correctResponsesPattern');
    expectRejected(definition({ interactionType: 'other', correctResponsesPattern: ['a', 1] }), 'statement.object.definition.correctResponsesPattern[1]');
    expectAccepted(definition({ interactionType: 'other', correctResponsesPattern: [] }));
  });

  it.each([
    ['true-false', 'choices'],
    ['fill-in', 'scale'],
    ['long-fill-in', 'steps'],
    ['numeric', 'source'],
    ['other', 'target'],
    ['choice', 'scale'],
    ['sequencing', 'steps'],
    ['likert', 'choices'],
    ['matching', 'steps'],
    ['performance', 'target'],
  ])('Data 2.4.4.1.s13.b3 / s15 — rejects interactionType "%s" with the component list "%s"', (interactionType, list) => {
    const message = expectRejected(definition({ interactionType, [list]: [{ id: 'a' }] }), `statement.object.definition.${list}`);
    expect(message).toMatch(`is not allowed with interactionType "${interactionType}"`);
  });

  it('Data 2.4.4.1.s16.b1 — ids within an interaction component list MUST be distinct', () => {
    const choices = [{ id: 'golf' }, { id: 'tetris' }, { id: 'golf' }];
    const message = expectRejected(definition({ interactionType: 'choice', choices }), 'statement.object.definition.choices[2].id');
    expect(message).toMatch(/duplicate interaction component id "golf"/);
    expectAccepted(definition({ interactionType: 'matching', source: [{ id: '1' }], target: [{ id: '1' }] }));
  });

  it('Data 2.4.4.1.s15.table1 — an interaction component has a String id and an optional Language Map description', () => {
    expectRejected(definition({ interactionType: 'likert', scale: [{ description: { en: 'x' } }] }), 'statement.object.definition.scale[0].id');
    expectRejected(definition({ interactionType: 'likert', scale: [{ id: 1 }] }), 'statement.object.definition.scale[0].id');
    expectRejected(definition({ interactionType: 'likert', scale: [{ id: 'a', description: { a12345: 'x' } }] }), 'statement.object.definition.scale[0].description.a12345');
    expectRejected(definition({ interactionType: 'likert', scale: [{ id: 'a', label: 'x' }] }), 'statement.object.definition.scale[0].label');
    expectRejected(definition({ interactionType: 'likert', scale: { id: 'a' } }), 'statement.object.definition.scale');
  });
});

describe('Data 2.4.4.3 — StatementRef', () => {
  it('Data 2.4.4.3.s4 — accepts a StatementRef', () => {
    expectAccepted(statement({ object: statementRef() }));
  });

  it('Data 2.4.4.3.s4.b1 — objectType MUST be "StatementRef"', () => {
    expectRejected(statement({ context: { statement: { id: UUID } } }), 'statement.context.statement.objectType');
    expectRejected(statement({ context: { statement: { objectType: 'statementref', id: UUID } } }), 'statement.context.statement.objectType');
  });

  it('Data 2.4.4.3.s4.b2 — id is required and MUST be a UUID', () => {
    expectRejected(statement({ object: { objectType: 'StatementRef' } }), 'statement.object.id');
    expectRejected(statement({ object: { objectType: 'StatementRef', id: 'AA97B177-9383-4934-8543-0F91A7A028368' } }), 'statement.object.id');
    expectRejected(statement({ object: subStatement({ object: { objectType: 'StatementRef', id: 12345 } }) }), 'statement.object.object.id');
  });
});

describe('Data 2.4.4.3 — SubStatement', () => {
  it('Data 2.4.4.3.s9 — accepts the example SubStatement', () => {
    expectAccepted(
      statement({
        verb: { id: 'http://example.com/planned', display: { 'en-US': 'planned' } },
        object: subStatement({
          verb: { id: 'http://example.com/visited', display: { 'en-US': 'will visit' } },
          object: activity({ id: 'http://example.com/website', definition: { name: { 'en-US': 'Some Awesome Website' } } }),
          result: { completion: true },
          context: { registration: UUID },
          timestamp: '2099-01-01T00:00:00Z',
          attachments: [attachment()],
        }),
      }),
    );
  });

  it('Data 2.4.4.3.s8.b2 — a SubStatement MUST be validated as a Statement', () => {
    expectRejected(statement({ object: subStatement({ actor: undefined }) }), 'statement.object.actor');
    expectRejected(statement({ object: { objectType: 'SubStatement', ...statement(), verb: undefined } }), 'statement.object.verb');
    expectRejected(statement({ object: subStatement({ object: undefined }) }), 'statement.object.object');
    expectRejected(statement({ object: subStatement({ timestamp: 'yesterday' }) }), 'statement.object.timestamp');
    expectRejected(statement({ object: subStatement({ result: { duration: 'PA1H0M0S' } }) }), 'statement.object.result.duration');
    expectRejected(statement({ object: subStatement({ context: { language: 'a12345678' } }) }), 'statement.object.context.language');
  });

  it.each([
    ['id', UUID],
    ['stored', '2013-05-18T05:32:34.804Z'],
    ['version', '1.0.0'],
    ['authority', agent()],
  ])('Data 2.4.4.3.s8.b3 — a SubStatement MUST NOT have "%s"', (key, value) => {
    const message = expectRejected(statement({ object: subStatement({ [key]: value }) }), `statement.object.${key}`);
    expect(message).toMatch(/is not allowed in a SubStatement/);
  });

  it('Data 2.4.4.3.s8.b4 — a SubStatement MUST NOT contain a SubStatement', () => {
    const message = expectRejected(statement({ object: subStatement({ object: subStatement() }) }), 'statement.object.object.objectType');
    expect(message).toMatch(/cannot contain another SubStatement/);
  });

  it('Data 2.4.4.3.s8.b1 — objectType MUST be "SubStatement"', () => {
    expectRejected(statement({ object: subStatement({ objectType: 'substatement' }) }), 'statement.object.objectType');
  });
});

describe('Data 2.3.2 — Voiding', () => {
  it('Data 2.3.2.s3 — accepts the example voiding Statement', () => {
    expectAccepted(statement({ verb: { id: VOIDED, display: { 'en-US': 'voided' } }, object: statementRef() }));
  });

  it('Data 2.3.2.s2.b1 — the object of a voiding Statement MUST be a StatementRef', () => {
    const message = expectRejected(statement({ verb: { id: VOIDED } }), 'statement.object.objectType');
    expect(message).toMatch(/must be "StatementRef" in a voiding Statement/);
    expectRejected(statement({ verb: { id: VOIDED }, object: agent() }), 'statement.object.objectType');
  });

  it('Data 2.3.2.s2.b2 — a voiding Statement identifies its target by id (a UUID)', () => {
    expectRejected(statement({ verb: { id: VOIDED }, object: { objectType: 'StatementRef' } }), 'statement.object.id');
  });

  it('Data 2.3.2 — other verbs may reference a Statement', () => {
    expectAccepted(statement({ verb: { id: 'http://example.com/commented' }, object: statementRef() }));
  });
});

describe('Data 2.4.5 — Result', () => {
  it('Data 2.4.5.s2 — accepts a full Result', () => {
    expectAccepted(
      statement({
        result: {
          score: { scaled: 0.95, raw: 95, min: 0, max: 100 },
          success: true,
          completion: false,
          response: 'We agreed on some example actions.',
          duration: 'PT1H0M0S',
          extensions: { 'http://example.com/profiles/meetings/resultextensions/minuteslocation': 'X:\\minutes' },
        },
      }),
    );
  });

  it('Data 2.4.5.s2.table1 — success and completion are Booleans, response a String, extensions an Object', () => {
    expectRejected(statement({ result: { success: 'true' } }), 'statement.result.success');
    expectRejected(statement({ result: { completion: { key: 'invalid' } } }), 'statement.result.completion');
    expectRejected(statement({ result: { response: { key: 'invalid' } } }), 'statement.result.response');
    expectRejected(statement({ result: { extensions: 'should fail' } }), 'statement.result.extensions');
    expectRejected(statement({ result: { score: 12345 } }), 'statement.result.score');
  });

  it.each(['PT1H0M0.1S', 'PT4H35M59.14S', 'PT16559.14S', 'P3Y1M29DT4H35M59.14S', 'P3Y', 'P4W', 'PT0S', 'P1DT12H', 'PT1,5S', 'P0.5Y'])(
    'Data 2.4.5.s2.table1.row5 / 4.6 — accepts the duration %s',
    (duration) => expectAccepted(statement({ result: { duration } })),
  );

  it.each(['PA1H0M0S', 'should fail', 'P', 'PT', 'P4W1D', 'P1H', 'PT1.5H30M', 'P0003-01-29T04:35:59', '1H', 'P16559.14S', 'pt1h', 'P1DT', 12345])(
    'Data 2.4.5.s2.table1.row5 / 4.6.s1.b1 — rejects the duration %p',
    (duration) => {
      expectRejected(statement({ result: { duration } }), 'statement.result.duration');
    },
  );
});

describe('Data 2.4.5.1 — Score', () => {
  it.each([-1, 0, 0.6767676, 1])('Data 2.4.5.1.s2.table1.row1 — accepts scaled %p', (scaled) => {
    expectAccepted(statement({ result: { score: { scaled } } }));
  });

  it.each([-1.01, 1.5, '0.5'])('Data 2.4.5.1.s2.table1.row1 — rejects scaled %p (a number in [-1, 1])', (scaled) => {
    expectRejected(statement({ result: { score: { scaled } } }), 'statement.result.score.scaled');
  });

  it('Data 2.4.5.1.s2.table1.row2 — raw is between min and max, inclusive, where present', () => {
    expectAccepted(statement({ result: { score: { raw: 0, min: 0, max: 10 } } }));
    expectAccepted(statement({ result: { score: { raw: 10, min: 0, max: 10 } } }));
    expectAccepted(statement({ result: { score: { raw: -500 } } }));
    expectAccepted(statement({ result: { score: { raw: 100.6767676, max: 101 } } }));
    expect(expectRejected(statement({ result: { score: { raw: 11, min: 0, max: 10 } } }), 'statement.result.score.raw')).toMatch(/greater than max \(10\)/);
    expect(expectRejected(statement({ result: { score: { raw: -1, min: 0 } } }), 'statement.result.score.raw')).toMatch(/less than min \(0\)/);
    expectRejected(statement({ result: { score: { raw: 11, max: 10 } } }), 'statement.result.score.raw');
  });

  it('Data 2.4.5.1.s2.table1.row3-4 — min is less than max', () => {
    expectRejected(statement({ result: { score: { min: 10, max: 10 } } }), 'statement.result.score.min');
    expectRejected(statement({ result: { score: { min: 11, max: 10 } } }), 'statement.result.score.min');
    expectRejected(statement({ result: { score: { min: 'zero' } } }), 'statement.result.score.min');
    expectAccepted(statement({ result: { score: { min: 0.12123434, max: 45.45 } } }));
  });
});

describe('Data 2.4.6 — Context', () => {
  const fullContext = (): Json => ({
    registration: 'ec531277-b57b-4c15-8d91-d292c5b2b8f7',
    instructor: agent(),
    team: anonymousGroup(),
    contextActivities: { parent: [activity()], grouping: activity(), category: [activity(), activity()], other: [] },
    revision: 'rev_10_3_2',
    platform: 'Example virtual meeting software',
    language: 'tlh',
    statement: statementRef(),
    extensions: { 'http://example.com/profiles/meetings/contextextensions/airspeed': '600mph' },
  });

  it('Data 2.4.6.s3 — accepts a full Context, and an empty one', () => {
    expectAccepted(statement({ context: fullContext() }));
    expectAccepted(statement({ context: {} }));
    expectAccepted(statement({ object: subStatement({ context: fullContext() }) }));
  });

  it('Data 2.4.6.s3.table1.row1 — registration is a UUID', () => {
    expectRejected(statement({ context: { registration: 'AA97B177-9383-4934-8543-0F91A7A028368' } }), 'statement.context.registration');
    expectRejected(statement({ context: { registration: { key: 'should fail' } } }), 'statement.context.registration');
  });

  it('Data 2.4.6.s3.table1.row2 — instructor is an Agent or a Group', () => {
    expectAccepted(statement({ context: { instructor: anonymousGroup() } }));
    expectRejected(statement({ context: { instructor: 'should fail' } }), 'statement.context.instructor');
    expectRejected(statement({ context: { instructor: { key: 'should fail' } } }), 'statement.context.instructor.key');
  });

  it('Data 2.4.6.s3.table1.row3 — team is a Group', () => {
    expectRejected(statement({ context: { team: agent() } }), 'statement.context.team.objectType');
    expectRejected(statement({ context: { team: 'should fail' } }), 'statement.context.team');
  });

  it('Data 2.4.6.2.s4.b1 — contextActivities keys are parent, grouping, category or other', () => {
    const message = expectRejected(statement({ context: { contextActivities: { related: [activity()] } } }), 'statement.context.contextActivities.related');
    expect(message).toMatch(/parent, grouping, category and other/);
    expectRejected(statement({ context: { contextActivities: 'should fail' } }), 'statement.context.contextActivities');
  });

  it('Data 2.4.6.2.s4.b2 — each contextActivities value is an Activity or an array of Activities', () => {
    expectAccepted(statement({ context: { contextActivities: { parent: activity(), other: [{ id: 'http://example.com/a' }] } } }));
    expectRejected(statement({ context: { contextActivities: { parent: [activity(), { id: 'not an iri' }] } } }), 'statement.context.contextActivities.parent[1].id');
    expectRejected(statement({ context: { contextActivities: { grouping: agent() } } }), 'statement.context.contextActivities.grouping.objectType');
    expectRejected(statement({ context: { contextActivities: { category: 'should fail' } } }), 'statement.context.contextActivities.category');
    expectRejected(statement({ context: { contextActivities: { other: [12345] } } }), 'statement.context.contextActivities.other[0]');
  });

  it('Data 2.4.6.s3.table1.row5-6 — revision and platform are Strings', () => {
    expectRejected(statement({ context: { revision: 12345 } }), 'statement.context.revision');
    expectRejected(statement({ context: { platform: { key: 'should fail' } } }), 'statement.context.platform');
  });

  const NON_ACTIVITY_OBJECTS: Array<[string, Json]> = [
    ['Agent', agent()],
    ['Group', anonymousGroup()],
    ['StatementRef', statementRef()],
    ['SubStatement', subStatement()],
  ];

  it.each(NON_ACTIVITY_OBJECTS)('Data 2.4.6.s4.b1-b2 — revision and platform MUST NOT be used when the object is a %s', (kind, object) => {
    const message = expectRejected(statement({ object, context: { revision: 'r1' } }), 'statement.context.revision');
    expect(message).toMatch(`may only be used when the object is an Activity, not a${kind === 'Agent' ? 'n' : ''} ${kind}`);
    expectRejected(statement({ object, context: { platform: 'p' } }), 'statement.context.platform');
  });

  it('Data 2.4.6.s4.b1-b2 — the rule applies inside a SubStatement too', () => {
    const inner = subStatement({ object: agent(), context: { platform: 'p' } });
    expectRejected(statement({ object: inner }), 'statement.object.context.platform');
  });

  it('Data 2.4.6.s4.b1-b2 — revision and platform are allowed with an Activity, objectType given or not', () => {
    expectAccepted(statement({ object: { id: 'http://example.com/a' }, context: { revision: 'r', platform: 'p' } }));
    expectAccepted(statement({ object: activity(), context: { revision: 'r', platform: 'p' } }));
  });

  it('Data 2.4.6.s3.table1.row7 — language is an RFC 5646 language tag', () => {
    expectRejected(statement({ context: { language: 'a12345' } }), 'statement.context.language');
    expectRejected(statement({ context: { language: 12345 } }), 'statement.context.language');
    expectAccepted(statement({ context: { language: 'zh-Hant-TW' } }));
  });

  it('Data 2.4.6.s3.table1.row8 — statement is a StatementRef', () => {
    expectRejected(statement({ context: { statement: activity() } }), 'statement.context.statement.objectType');
    expectRejected(statement({ context: { statement: { objectType: 'StatementRef', id: 'nope' } } }), 'statement.context.statement.id');
  });
});

describe('Data 2.4.7 / 2.4.8 — timestamp and stored', () => {
  it('Data 2.4.7.s3.b5 / 2.4.8.s3.b2 — accepts timestamp and stored, future ones included', () => {
    expectAccepted(statement({ timestamp: '2099-05-18T05:32:34.804Z', stored: '2013-05-18T05:32:34.804+00:00' }));
  });

  it('Data 2.4.7.s3.b1 / 2.4.8.s3.b1 — both are ISO 8601 Timestamps', () => {
    expectRejected(statement({ timestamp: '01/011/2015' }), 'statement.timestamp');
    expectRejected(statement({ stored: 'should fail' }), 'statement.stored');
    expectRejected(statement({ timestamp: 1368855154804 }), 'statement.timestamp');
  });

  it('Data 4.5 — rejects the "-00:00" offset', () => {
    const message = expectRejected(statement({ timestamp: '2008-09-15T15:53:00.601-00:00' }), 'statement.timestamp');
    expect(message).toMatch(/ISO 8601 timestamp/);
  });
});

describe('Data 2.4.9 — Authority', () => {
  it('Data 2.4.9.s3.b1 — accepts an Agent, or a Group of two Agents (3-legged OAuth)', () => {
    expectAccepted(statement({ authority: agent() }));
    expectAccepted(statement({ authority: { account: { homePage: 'http://example.com/xAPI/OAuth/Token', name: 'oauth_consumer_x75db' } } }));
    expectAccepted(statement({ authority: anonymousGroup() }));
  });

  it('Data 2.4.9.s3.b1 — rejects an authority Group with one or three members', () => {
    const one = anonymousGroup({ member: [agent()] });
    expect(expectRejected(statement({ authority: one }), 'statement.authority.member')).toMatch(/at least 2 items.*exactly two Agent members/);
    const three = anonymousGroup({ member: [agent(), agent({ mbox: 'mailto:b@example.com' }), agent({ mbox: 'mailto:c@example.com' })] });
    expectRejected(statement({ authority: three }), 'statement.authority.member');
    expectRejected(statement({ authority: { objectType: 'Group' } }), 'statement.authority.member');
  });

  it.each([
    ['mbox', 'mailto:bob@example.com'],
    ['mbox_sha1sum', 'cd9b00a5611f94eaa7b1661edab976068e364975'],
    ['openid', 'http://openid.example.org/12345'],
    ['account', { homePage: 'http://www.example.com', name: 'xAPI account name' }],
  ])('Data 2.4.9.s3.b1 — rejects an identified Group (%s) as authority', (key, value) => {
    const message = expectRejected(statement({ authority: anonymousGroup({ [key]: value }) }), `statement.authority.${key}`);
    expect(message).toMatch(/is not allowed in an authority Group/);
  });

  it('Data 2.4.9.s3.b1 — an authority Group contains Agents', () => {
    expectRejected(statement({ authority: anonymousGroup({ member: [agent(), anonymousGroup()] }) }), 'statement.authority.member[1].objectType');
    expectRejected(statement({ authority: { objectType: 'group', member: [] } }), 'statement.authority.objectType');
  });
});

describe('Data 2.4.10 — Version', () => {
  it.each(['1.0', '1.0.0', '1.0.3', '1.0.9'])('Data 2.4.10.s3.b1 — accepts version %s', (version) => {
    expectAccepted(statement({ version }));
  });

  it.each(['0.9.9', '1.1.0', '1.0.', '1', 'should fail', 1.0])('Data 2.4.10.s3.b2 — rejects version %p', (version) => {
    expectRejected(statement({ version }), 'statement.version');
  });
});

function attachment(extra: Json = {}): Json {
  return {
    usageType: 'http://example.com/attachment-usage/test',
    display: { 'en-US': 'A test attachment' },
    description: { 'en-US': 'A test attachment (description)' },
    contentType: 'text/plain; charset=ascii',
    length: 27,
    sha2: SHA2,
    fileUrl: 'http://over.there.com/file.txt',
    ...extra,
  };
}

describe('Data 2.4.11 — Attachments', () => {
  it('Data 2.4.11.s2 — accepts attachments, with or without optional properties', () => {
    expectAccepted(statement({ attachments: [attachment(), attachment({ description: undefined, fileUrl: undefined })] }));
    expectAccepted(statement({ attachments: [attachment({ usageType: 'http://adlnet.gov/expapi/attachments/signature', contentType: 'application/octet-stream' })] }));
    expectAccepted(statement({ attachments: [] }));
  });

  it.each(['usageType', 'display', 'contentType', 'length', 'sha2'])('Data 2.4.11.s2.table1 — "%s" is required', (key) => {
    expectRejected(statement({ attachments: [attachment({ [key]: undefined })] }), `statement.attachments[0].${key}`);
  });

  it.each([
    ['usageType', 'should fail', 'usageType'],
    ['display', 'should fail', 'display'],
    ['display', { 'en-US': 'A', something: 'B' }, 'display.something'],
    ['description', { something: 'B' }, 'description.something'],
    ['contentType', 12345, 'contentType'],
    ['contentType', 'plain text', 'contentType'],
    ['length', 'should fail', 'length'],
    ['length', -1, 'length'],
    ['length', 27.5, 'length'],
    ['sha2', 12345, 'sha2'],
    ['sha2', 'not hex', 'sha2'],
    ['sha2', SHA2.slice(1), 'sha2'],
    ['fileUrl', 'should fail', 'fileUrl'],
    ['fileUrl', 12345, 'fileUrl'],
  ])('Data 2.4.11.s2.table1 — rejects %s %p', (key, value, path) => {
    expectRejected(statement({ attachments: [attachment(), attachment({ [key]: value })] }), `statement.attachments[1].${path}`);
  });

  it('Data 2.4.11.s2.table1 — rejects unknown attachment properties', () => {
    expectRejected(statement({ attachments: [attachment({ payload: 'x' })] }), 'statement.attachments[0].payload');
  });
});

describe('Data 4.1 — Extensions', () => {
  it.each([null, '', {}, true, 12345, { key: 'valid' }, [1, 'two']])('Data 4.1.s3.b2 — accepts any extension value (%p)', (value) => {
    expectAccepted(statement({ result: { extensions: { 'http://example.com/ex': value } } }));
    expectAccepted(definition({ extensions: { 'http://example.com/ex': value } }));
  });

  it('Data 4.1 — accepts an empty extensions map', () => {
    expectAccepted(statement({ context: { extensions: {} } }));
  });

  it('Data 4.1.s3.b1 — extension keys MUST be IRIs', () => {
    const message = expectRejected(statement({ context: { extensions: { 'should fail': true } } }), 'statement.context.extensions["should fail"]');
    expect(message).toMatch(/key must be an absolute IRI/);
  });

  it('Data 4.1.s2 — extensions is an Object', () => {
    expectRejected(statement({ context: { extensions: [] } }), 'statement.context.extensions');
    expectRejected(statement({ context: { extensions: null } }), 'statement.context.extensions');
  });
});

describe('Data 4.2 — Language Maps', () => {
  it.each(['en', 'en-US', 'en-GB', 'es-MX', 'zh-Hant-TW', 'und', 'tlh', 'sr-Latn-RS', 'es-419', 'de-CH-1901', 'EN-us', 'x-klingon', 'iw', 'en-Latn'])(
    'Data 4.2.s1 — accepts the language tag %s',
    (tag) => {
      expect(isLanguageTag(tag)).toBe(true);
      expectAccepted(statement({ verb: { id: 'http://example.com/v', display: { [tag]: 'x' } } }));
    },
  );

  it.each(['a12345678', 'a12345', 'something', 'en_US', '', 'en-', '-en', 'en--US', 'en-US-US'])(
    'Data 2.2.s4.b2 — rejects the language tag %p',
    (tag) => {
      expect(isLanguageTag(tag)).toBe(false);
      const message = rejection(() => validator.validateStatement(statement({ verb: { id: 'http://example.com/v', display: { [tag]: 'x' } } }))).message;
      expect(message).toMatch(/^statement\.verb\.display(\.|\[).*: key must be a valid RFC 5646 language tag/);
    },
  );

  it('Data 4.2.s1 — language map values are Strings', () => {
    expectRejected(statement({ verb: { id: 'http://example.com/v', display: { 'en-US': 42 } } }), 'statement.verb.display["en-US"]');
    expectRejected(statement({ attachments: [attachment({ display: { 'en-US': ['A'] } })] }), 'statement.attachments[0].display["en-US"]');
  });
});

describe('Data 4.3 — IRIs (isIri)', () => {
  it.each([
    'http://example.com/xapi/verbs#defenestrated',
    'http://example.com/فعل/خواندن',
    `urn:uuid:${UUID}`,
    'tag:example.com,2024:activity',
    'mailto:ann@example.com',
    'https://example.com/a%20b?x=1&y=[2]',
  ])('Data 4.3 — accepts %s', (iri) => {
    expect(isIri(iri)).toBe(true);
  });

  it.each(['not an iri', '/relative', 'ab:cd ef', 'ab=c://should.fail.com', '', 'http:', 'www.example.com/path', '#fragment', 'http://example.com/<x>', 'http://example.com/%zz', '1http://x'])(
    'Data 2.2.s4.b1.b8 — rejects %p',
    (iri) => {
      expect(isIri(iri)).toBe(false);
    },
  );
});

describe('Data 4.4 — UUIDs (isUuid)', () => {
  it('Data 4.4 — accepts the standard string form in any case, and rejects anything else', () => {
    expect(isUuid(UUID)).toBe(true);
    expect(isUuid(UUID.toUpperCase())).toBe(true);
    expect(isUuid(`${UUID} `)).toBe(false);
    expect(isUuid(UUID.replace(/-/g, ''))).toBe(false);
    expect(isUuid('6690e6c9-3ef0-4ed3-8b37-7f3964730beg')).toBe(false);
  });
});

describe('Data 4.5 — ISO 8601 Timestamps (isIsoTimestamp)', () => {
  it.each([
    '2013-05-18T05:32:34.804Z',
    '2013-05-18T05:32:34Z',
    '2013-05-18T05:32:34.804+00:00',
    '2013-05-18T05:32:34.804-05:00',
    '2013-05-18T05:32:34.123456789Z',
    '2013-05-18T05:32:34.8+05:30',
    '2013-05-18T05:32:34',
    '2016-02-29T23:59:59Z',
    '2000-02-29T00:00:00Z',
  ])('Data 4.5.s1.b1 — accepts %s', (timestamp) => {
    expect(isIsoTimestamp(timestamp)).toBe(true);
  });

  it.each([
    ['a date without time', '2013-05-18'],
    ['the "-00:00" offset', '2008-09-15T15:53:00.601-00:00'],
    ['the "-0000" offset', '2008-09-15T15:53:00.601-0000'],
    ['the "-00" offset', '2008-09-15T15:53:00.601-00'],
    ['a basic-format offset', '2013-05-18T05:32:34-0500'],
    ['a basic-format date-time', '20130518T053234Z'],
    ['a space separator', '2013-05-18 05:32:34Z'],
    ['lowercase designators', '2013-05-18t05:32:34z'],
    ['a time without seconds', '2013-05-18T05:32Z'],
    ['an empty fraction', '2013-05-18T05:32:34.Z'],
    ['month 13', '2013-13-01T00:00:00Z'],
    ['February 29 of a common year', '2015-02-29T00:00:00Z'],
    ['February 29, 1900', '1900-02-29T00:00:00Z'],
    ['April 31', '2015-04-31T00:00:00Z'],
    ['hour 24', '2013-05-18T24:00:00Z'],
    ['a leap second', '2013-06-30T23:59:60Z'],
    ['a US date', '01/011/2015'],
    ['free text', 'should fail'],
  ])('Data 4.5.s1.b1 — rejects %s (%s)', (_what, timestamp) => {
    expect(isIsoTimestamp(timestamp)).toBe(false);
  });
});

describe('validateActor — a lone Agent or Group (Communication 2.1.3 "agent" parameter, Data 2.2.s4.b4)', () => {
  it('accepts Agents and Groups', () => {
    expect(() => validator.validateActor({ mbox: 'mailto:ann@example.com' })).not.toThrow();
    expect(() => validator.validateActor({ objectType: 'Agent', account: { homePage: 'http://www.example.com', name: 'ann' } })).not.toThrow();
    expect(() => validator.validateActor(anonymousGroup())).not.toThrow();
    expect(() => validator.validateActor({ objectType: 'Group', openid: 'http://openid.example.org/g' })).not.toThrow();
  });

  it('Data 2.4.2.1.s2.b1 — rejects an Agent without IFI with INVALID_PARAMETER, naming the parameter', () => {
    const error = rejection(() => validator.validateActor({ name: 'Ann' }));
    expect(error.code).toBe(BadRequestCode.InvalidParameter);
    expect(error.message).toBe('agent: an Agent must have exactly one of mbox, mbox_sha1sum, openid, account (found 0; Data 2.4.2.1.s2.b1)');
  });

  it('uses the given path and reports nested problems', () => {
    const error = rejection(() => validator.validateActor({ account: { homePage: 'nowhere', name: 'x' } }, 'agent parameter'));
    expect(error.message).toMatch(/^agent parameter\.account\.homePage: must be an absolute IRL/);
    expect(rejection(() => validator.validateActor('mailto:ann@example.com')).message).toMatch(/^agent: must be an object/);
    expect(rejection(() => validator.validateActor({ mbox: 'mailto:a@example.com', objectType: 'Person' })).message).toMatch(/^agent\.objectType: must be one of Agent, Group/);
  });
});

describe('Error messages', () => {
  it('prefix the path the caller gives (e.g. the index in a batch)', () => {
    const error = rejection(() => validator.validateStatement(statement({ context: { instructor: { mbox: 'bob' } } }), 'statements[3]'));
    expect(error.message).toBe(
      'statements[3].context.instructor.mbox: must be a mailto IRI: "mailto:" followed by an email address (found "bob")',
    );
  });

  it('quote keys that are not identifiers and show array indexes', () => {
    const input = statement({ context: { contextActivities: { parent: [activity(), activity({ id: 'x y' })] } } });
    expectRejected(input, 'statement.context.contextActivities.parent[1].id');
    expectRejected(statement({ result: { extensions: { 'a/b': 1 } } }), 'statement.result.extensions["a/b"]');
  });

  it('shorten long offending values', () => {
    const message = expectRejected(statement({ id: 'x'.repeat(500) }), 'statement.id');
    expect(message.length).toBeLessThan(200);
  });

  it('are independent of earlier validations (the validator keeps no per-call state)', () => {
    expectRejected(statement({ actor: { name: 'Nobody' } }), 'statement.actor');
    expectAccepted(statement());
    expectRejected(statement({ verb: { id: 'nope' } }), 'statement.verb.id');
  });
});
