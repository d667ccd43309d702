/**
 * Every score is reproducible from the statements alone (issue 12 goals: rebuild equals
 * incremental): the ledger's stores emptied and every statement that is not voided delivered again
 * give the same scores, explanations, trends and rating states as the incremental application,
 * with voiding, late attendance, sealing and penalties in the history. On both engines.
 */
import type { FeedEvent } from '../../../plugin-api';
import { TEST_ENGINES } from '../../../../test-support/backends';
import { attended, keyOf, ledgerOnStores, liftedPenalty, newSession, penalized, person, rated } from '../../../../test-support/reputation';
import { DAY_SEC } from './weights';

const DAY = DAY_SEC * 1000;
const NOW = new Date('2026-12-02T12:00:00Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY);
const tutorRoles = { raterRole: 'tutor', rateeRole: 'student' } as const;
const studentRoles = { raterRole: 'student', rateeRole: 'tutor' } as const;

describe.each(TEST_ENGINES)('a rebuild on %s', (engine) => {
  it('gives the same scores, explanations, trends and rating states as incremental application', async () => {
    const harness = await ledgerOnStores({ windowDays: 30, sealDays: 14 }, engine);
    try {
      harness.clock.now = NOW;
      const [tutor, ana, bea, cruz, late] = [person('tutor'), person('ana'), person('bea'), person('cruz'), person('late')];
      const lesson = newSession();
      const group = newSession();
      await harness.feed(attended(lesson, tutor, ana, bea), { stored: ago(40) });
      await harness.feed(attended(group, ana, bea, cruz), { stored: ago(40) });
      // Tutor↔student cases: revealed when both rated (an earlier rating superseded), one whose second rating came after the seal period, one still sealed.
      await harness.feed([rated(ana, tutor, lesson, { score: 5, ...studentRoles })], { stored: ago(20) });
      await harness.feed([rated(ana, tutor, lesson, { score: 4, ...studentRoles })], { stored: ago(19) });
      await harness.feed([rated(tutor, ana, lesson, { score: 3, ...tutorRoles })], { stored: ago(18) });
      await harness.feed([rated(bea, tutor, lesson, { score: 2, ...studentRoles })], { stored: ago(2) });
      await harness.feed([rated(tutor, bea, lesson, { score: 1, ...tutorRoles })], { stored: ago(25) });
      const sealedLesson = newSession();
      await harness.feed(attended(sealedLesson, tutor, late), { stored: ago(40) });
      await harness.feed([rated(late, tutor, sealedLesson, { score: 1, ...studentRoles })], { stored: ago(3) });
      // Peers, one voided, one after the reveal.
      const [voidedId] = await harness.feed([rated(ana, cruz, group, { score: 1 })], { stored: ago(10) });
      await harness.feed([rated(ana, cruz, group, { score: 5 })], { stored: ago(9) });
      await harness.feed([rated(bea, cruz, group, { score: 3 }), rated(cruz, bea, group, { score: 4 })], { stored: ago(8) });
      await harness.void(voidedId!);
      // Late attendance: the rating counts from its own stored.
      await harness.feed([rated(late, cruz, group, { score: 2 })], { stored: ago(5) });
      await harness.feed(attended(group, late), { stored: ago(1) });
      // A penalty on bea, another lifted, and one from a credential that is not this plugin (ignored).
      await harness.feed([penalized(bea, 0.5, ago(30))], { stored: ago(1) });
      const [lifted] = await harness.feed([penalized(ana, 0, ago(30))], { stored: ago(1) });
      await harness.feed([liftedPenalty(lifted!)], { stored: ago(0.5) });

      const everyone = [tutor, ana, bea, cruz, late].map(keyOf);
      const snapshot = async () => ({
        scores: await Promise.all(everyone.map((agent) => harness.ledger.explain([agent]))),
        merged: await harness.ledger.explain(everyone.slice(0, 2), ago(3.5)),
        trend: await harness.ledger.trend(everyone, 30),
        ratings: await harness.ledger.ratingsAfter(undefined, 1000),
        about: await Promise.all(everyone.map((agent) => harness.ledger.ratingsAbout([agent], { limit: 50 }))),
      });
      const incremental = await snapshot();
      expect(incremental.scores.map(({ totalRatings }) => totalRatings)).toEqual([1, 1, 2, 3, 0]);
      expect(incremental.scores[3]!.contributions.map(({ score }) => score).sort()).toEqual([2, 3, 5]);
      expect(incremental.ratings.find(({ id }) => id === voidedId)?.rating.state).toBe('voided');

      const voided = new Set(harness.history.flatMap((event) => (event.type === 'voided' ? [event.statementId] : [])));
      const replayed = harness.history.filter((event): event is Extract<FeedEvent, { type: 'stored' }> => event.type === 'stored' && !voided.has(event.statement.id));
      await harness.replay(harness.history, 3); // delivered again as it was: nothing changes
      const { ratings: _voidedKept, ...comparable } = incremental;
      const again = await snapshot();
      expect(again).toEqual(incremental);

      await harness.clear();
      await harness.replay(replayed, 7);
      const rebuilt = await snapshot();
      expect({ ...rebuilt, ratings: undefined }).toEqual({ ...comparable, ratings: undefined });
      expect(rebuilt.ratings).toEqual(incremental.ratings.filter(({ id }) => id !== voidedId));
    } finally {
      await harness.dispose();
    }
  }, 120_000);
});
