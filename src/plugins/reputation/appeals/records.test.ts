import type { StoredStatement } from '../../../plugin-api';
import appealFiled from '../../../profiles/keiko/reputation/examples/appeal-filed.valid.json';
import appealUpheld from '../../../profiles/keiko/reputation/examples/appeal-upheld.valid.json';
import penaltyApplied from '../../../profiles/keiko/reputation/examples/penalty-applied.valid.json';
import ratingReplied from '../../../profiles/keiko/reputation/examples/rating-replied.valid.json';
import { PLUGIN_AUTHORITY_ACCOUNT } from '../vocabulary';
import { parseAppeal, parsePenalty, parseReason, parseReply } from './inputs';
import { appealOf, decisionOf, penaltyOf, replyOf, stepsOf, type Decision, type DecisionKind } from './records';

const stored = (statement: object, authority: object = { objectType: 'Agent', mbox: 'mailto:school@example.org' }) =>
  ({ ...statement, stored: '2026-03-07T08:45:00.000Z', authority, version: '1.0.3' }) as unknown as StoredStatement;
const byPlugin = { objectType: 'Agent', name: 'Keiko LRS', account: { homePage: 'http://lrs.test/', name: PLUGIN_AUTHORITY_ACCOUNT } };
const decision = (kind: DecisionKind, atSec: number): Decision => ({ statementId: `d-${atSec}`, kind, moderator: { key: 'mbox:mailto:m@example.org' }, reason: 'why', atSec });

describe('the appeal state machine', () => {
  it('goes filed → under review → upheld, and a decided appeal is final', () => {
    const { state, counted, ignored } = stepsOf([decision('opened-review', 1), decision('upheld', 2), decision('dismissed', 3), decision('opened-review', 4)]);
    expect(state).toBe('upheld');
    expect(counted.map((each) => each.kind)).toEqual(['opened-review', 'upheld']);
    expect(ignored).toEqual([
      { kind: 'dismissed', atSec: 3, why: 'already-decided' },
      { kind: 'opened-review', atSec: 4, why: 'already-decided' },
    ]);
  });

  it('ignores a decision before the review and a second review', () => {
    const { state, ignored } = stepsOf([decision('dismissed', 1), decision('opened-review', 2), decision('opened-review', 3), decision('dismissed', 4)]);
    expect(state).toBe('rejected');
    expect(ignored.map((each) => each.why)).toEqual(['not-under-review', 'already-under-review']);
  });
});

describe("the profile's statements", () => {
  it('reads an appeal, a reply and a penalty as the examples show them', () => {
    expect(appealOf(stored(appealFiled))).toEqual({
      ratingId: '86657b20-cdf9-5543-bd39-d43b35c56724',
      appellant: { key: 'account:https://campus.uni.example|u-0923', name: 'Tomás Ruiz' },
      grounds: 'no-shared-session',
      reason: appealFiled.result.response,
      registration: appealFiled.context.registration,
    });
    expect(replyOf(stored(ratingReplied))).toMatchObject({ ratingId: '86657b20-cdf9-5543-bd39-d43b35c56724', text: ratingReplied.result.response });
    expect(penaltyOf(stored(penaltyApplied, byPlugin), 10)).toMatchObject({ subject: 'mbox:mailto:lucia.romero@uni.example', weightFactor: 0.2, flagStatementId: 'd19a056c-c8e9-5f9d-a6a6-73ed9d10bf2d' });
  });

  it('counts decisions and penalties only when this plugin recorded them', () => {
    expect(decisionOf(stored(appealUpheld), 5)).toBeUndefined();
    expect(penaltyOf(stored(penaltyApplied), 5)).toBeUndefined();
    expect(decisionOf(stored(appealUpheld, byPlugin), 5)).toMatchObject({ appealId: 'eb0e048b-c1db-57c1-be9b-70dc794eaca9', decision: { kind: 'upheld', reason: appealUpheld.result.response } });
  });

  it('leaves out an appeal with grounds outside the profile or no reason', () => {
    const context = { ...appealFiled.context, extensions: { 'https://w3id.org/keiko/profiles/reputation/extensions/appeal-grounds': 'dislike' } };
    expect(appealOf(stored({ ...appealFiled, context }))).toBeUndefined();
    expect(appealOf(stored({ ...appealFiled, result: { response: '  ' } }))).toBeUndefined();
  });
});

describe('what people send', () => {
  it('refuses empty, too long or unknown fields with stable codes', () => {
    expect(() => parseReply({ text: ' ' })).toThrow(expect.objectContaining({ code: 'INVALID_REPLY' }));
    expect(() => parseReply({ text: 'x'.repeat(2001) })).toThrow(expect.objectContaining({ code: 'INVALID_REPLY' }));
    expect(parseReply({ text: ` ${'x'.repeat(2000)} ` })).toHaveLength(2000);
    expect(() => parseAppeal({ grounds: 'dislike', reason: 'r' })).toThrow(expect.objectContaining({ code: 'INVALID_APPEAL' }));
    expect(() => parseAppeal({ grounds: 'fraud' })).toThrow(expect.objectContaining({ code: 'INVALID_APPEAL' }));
    expect(() => parseReason({ reason: 'ok', extra: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_BODY' }));
    expect(() => parseReason([])).toThrow(expect.objectContaining({ code: 'INVALID_BODY' }));
  });

  it('reads a penalty from JSON or a form, factor 0–0.99, until in the future', () => {
    const now = new Date('2026-03-09T11:00:00Z');
    expect(parsePenalty({ weightFactor: '0.2', until: '2026-05-08', reason: 'ring', _csrf: 't' }, now)).toEqual({ weightFactor: 0.2, until: new Date('2026-05-08T00:00:00Z'), reason: 'ring' });
    expect(parsePenalty({ weightFactor: 0, until: '', reason: 'ring' }, now)).toEqual({ weightFactor: 0, reason: 'ring' });
    for (const weightFactor of [1, -0.1, '', 'half', null]) {
      expect(() => parsePenalty({ weightFactor, reason: 'ring' }, now)).toThrow(expect.objectContaining({ code: 'INVALID_PENALTY' }));
    }
    for (const until of ['2026-03-01', 'tomorrow', '2026-13-01T00:00:00Z']) {
      expect(() => parsePenalty({ weightFactor: 0.5, until, reason: 'ring' }, now)).toThrow(expect.objectContaining({ code: 'INVALID_PENALTY' }));
    }
  });
});
