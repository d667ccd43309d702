import { detectSignals, type RatingFact } from '.';
import type { FraudSignal } from '../../model';
import { MAX_EVIDENCE } from './facts';

const HOUR = 3600;
const DAY = 86_400;
const T0 = Date.UTC(2026, 2, 2) / 1000;

/** Builds ratings with readable ids and defaults: an old account, its own session. */
function ratings() {
  const list: RatingFact[] = [];
  const add = (rater: string, ratee: string, score: number, storedSec: number, extra: Partial<RatingFact> = {}) => {
    const n = list.length + 1;
    list.push({ id: `00000000-0000-4000-8000-${n.toString().padStart(12, '0')}`, rater, ratee, score, storedSec, session: `s${n}`, raterFirstSeenSec: T0 - 100 * DAY, ...extra });
  };
  return { list, add };
}

const label = (found: FraudSignal) => `${found.kind}: ${found.subjects.join(',')}`;
const kinds = (list: RatingFact[]) => detectSignals(list).map(label);

/** Asserts the ratings raise exactly this signal (`kind: subjects`) and returns it. */
function theOnlySignal(list: RatingFact[], expected: string): FraudSignal {
  const signals = detectSignals(list);
  expect(signals.map(label)).toEqual([expected]);
  return signals[0];
}

/** A tutor with `students` regular students, each rating and rated after weekly sessions (mixed scores). */
function honestTutoring(add: ReturnType<typeof ratings>['add'], tutor: string, students: number, weeks: number, score = (i: number) => 3 + (i % 3)) {
  for (let s = 0; s < students; s += 1) {
    for (let w = 0; w < weeks; w += 1) {
      const at = T0 + w * 7 * DAY + s * HOUR * 2;
      add(`${tutor}-student${s}`, tutor, score(s + w), at, { session: `${tutor}-${s}-${w}` });
      add(tutor, `${tutor}-student${s}`, score(s + w + 1), at + 60, { session: `${tutor}-${s}-${w}` });
    }
  }
}

describe('fraud detectors', () => {
  it('find nothing in an honest tutor’s students rating weekly, reciprocity included, even all 5', () => {
    const { list, add } = ratings();
    honestTutoring(add, 'tutor', 12, 8);
    honestTutoring(add, 'loved-tutor', 6, 8, () => 5);
    expect(kinds(list)).toEqual([]);
  });

  it('burst: ten strangers rate one person 5 within an hour from ten sessions; a lecture (one session) is no burst', () => {
    const { list, add } = ratings();
    honestTutoring(add, 'target', 3, 4);
    for (let i = 0; i < 10; i += 1) add(`hired${i}`, 'target', 5, T0 + 40 * DAY + i * 300);
    for (let i = 0; i < 30; i += 1) add(`listener${i}`, 'lecturer', 5, T0 + 41 * DAY + i * 60, { session: 'lecture' });
    const signals = detectSignals(list);
    expect(signals.map((found) => found.kind)).toEqual(['burst']);
    expect(signals[0].subjects).toHaveLength(10);
    expect(signals[0].explanation).toBe('target received 10 ratings within 45 minutes from 10 different sessions, 100% of them 5, most raters strangers who rated them nowhere else.');
  });

  it('burst: a reminder’s wave of late ratings from regular students is none', () => {
    const { list, add } = ratings();
    honestTutoring(add, 'tutor', 12, 4, () => 5);
    for (let i = 0; i < 12; i += 1) add(`tutor-student${i}`, 'tutor', 5, T0 + 40 * DAY + i * 120);
    expect(kinds(list)).toEqual([]);
  });

  it('serial rating: six 1s of one person within two days; six mixed ratings caught up at once are none', () => {
    const { list, add } = ratings();
    for (let i = 0; i < 6; i += 1) add('bomber', 'victim', 1, T0 + i * 6 * HOUR);
    for (let i = 0; i < 6; i += 1) add('catching-up', 'tutor', 3 + (i % 3), T0 + i * 60);
    const found = theOnlySignal(list, 'serial-rating: bomber');
    expect(found.explanation).toBe('bomber rated victim 6 times within 30 hours (6 sessions), 100% of them 1.');
  });

  it('reciprocal pair: two people rating each other 5 whose ratings come from each other; reciprocity with a tutor of many is none', () => {
    const { list, add } = ratings();
    for (let i = 0; i < 5; i += 1) {
      add('alice', 'bob', 5, T0 + i * DAY, { session: `ab${i}` });
      add('bob', 'alice', 5, T0 + i * DAY + 60, { session: `ab${i}` });
    }
    add('carol', 'alice', 3, T0);
    honestTutoring(add, 'tutor', 5, 6, () => 5);
    const found = theOnlySignal(list, 'reciprocal-pair: alice,bob');
    expect(found.confidence).toBeGreaterThan(0.6);
    expect(found.explanation).toBe('alice and bob rated each other 5 and 5 times, 100% of them 5; bob\'s ratings are 83% of all alice received, and alice\'s 100% of all bob received.');
  });

  it('ring: a closed circle of four rating one another 5, and a cycle of five each rating the next; an honest study group is none', () => {
    const { list, add } = ratings();
    const clique = ['r1', 'r2', 'r3', 'r4'];
    for (let round = 0; round < 3; round += 1) for (const a of clique) for (const b of clique) if (a !== b) add(a, b, 5, T0 + round * DAY, { session: `ring${round}` });
    const cycle = ['c1', 'c2', 'c3', 'c4', 'c5'];
    for (let round = 0; round < 4; round += 1) cycle.forEach((member, i) => add(member, cycle[(i + 1) % 5], 5, T0 + round * DAY, { session: `cycle${round}` }));
    const group = ['g1', 'g2', 'g3', 'g4', 'g5'];
    for (let week = 0; week < 6; week += 1) group.forEach((member, i) => add(member, group[(i + week + 1) % 5], [4, 5, 3, 5, 4][(i + week) % 5], T0 + week * 7 * DAY, { session: `group${week}` }));
    const signals = detectSignals(list);
    expect(signals.map((found) => `${found.kind}: ${found.subjects}`).sort()).toEqual(['ring: c1,c2,c3,c4,c5', 'ring: r1,r2,r3,r4']);
    expect(signals.find((found) => found.subjects[0] === 'r1')!.explanation).toBe(
      '4 people rated one another 36 times, 100% of them 5, in a closed circle: 100% of the ratings they give and 100% of those they receive stay among them.',
    );
  });

  it('ring: a popular tutor a ring’s members also rate is left out of it', () => {
    const { list, add } = ratings();
    honestTutoring(add, 'tutor', 10, 4, () => 5);
    const ring = ['r1', 'r2', 'r3'];
    for (let round = 0; round < 3; round += 1) for (const a of ring) for (const b of ring) if (a !== b) add(a, b, 5, T0 + round * DAY, { session: `ring${round}` });
    for (const member of ring) for (let i = 0; i < 2; i += 1) {
      add(member, 'tutor', 5, T0 + i * DAY);
      add('tutor', member, 5, T0 + i * DAY);
    }
    expect(kinds(list)).toEqual(['ring: r1,r2,r3']);
  });

  it('new-account cluster: five accounts created the same day rating one person 5; a cohort spread over weeks is none', () => {
    const { list, add } = ratings();
    for (let i = 0; i < 5; i += 1) add(`sybil${i}`, 'beneficiary', 5, T0 + i * HOUR + DAY, { raterFirstSeenSec: T0 + i * HOUR });
    for (let i = 0; i < 8; i += 1) add(`freshman${i}`, 'tutor', 5, T0 + i * 3 * DAY + HOUR, { raterFirstSeenSec: T0 + i * 3 * DAY });
    const found = theOnlySignal(list, 'new-account-cluster: sybil0,sybil1,sybil2,sybil3,sybil4');
    expect(found.explanation).toBe('5 accounts first seen within 4 hours of one another, each rating at most 3 people, gave beneficiary 5 ratings within their first week, 100% of them 5.');
  });

  it('consensus outlier: a rater two points and more below everyone; a harsh rater one point below is none', () => {
    const { list, add } = ratings();
    for (let t = 0; t < 8; t += 1) {
      for (let r = 0; r < 6; r += 1) add(`rater${t}-${r}`, `tutor${t}`, 5, T0 + r * DAY);
      add('troll', `tutor${t}`, 1, T0 + 10 * DAY);
      add('harsh', `tutor${t}`, 4, T0 + 10 * DAY);
    }
    const found = theOnlySignal(list, 'consensus-outlier: troll');
    expect(found.explanation).toBe('troll\'s 8 ratings of people others rated too are on average 3.9 points below what the others gave the same people.');
  });

  it('keep at most 50 evidence ids, and with sinceSec only windows with newer ratings', () => {
    const { list, add } = ratings();
    for (let i = 0; i < 80; i += 1) add(`hired${i}`, 'target', 5, T0 + i * 40);
    const [burst] = detectSignals(list);
    expect(burst.evidence).toHaveLength(MAX_EVIDENCE);
    expect(burst.subjects).toHaveLength(80);
    expect(detectSignals(list, { sinceSec: T0 + DAY }).map((found) => found.kind)).toEqual([]);
    expect(detectSignals(list, { sinceSec: T0 + 3000 }).map((found) => found.kind)).toEqual(['burst']);
  });
});
