/**
 * cmi5 statements shaped as the cmi5 specification's examples (AICC/CMI-5_Spec_Current, §9
 * "xAPI Data Model" and §10 "xAPI State Data Model"), written for Keiko LRS's tests: one AU
 * session of one learner. Not part of ADL's profile.
 */

export const CMI5_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/cmi5';
export const MOVEON_CATEGORY = 'https://w3id.org/xapi/cmi5/context/categories/moveon';
const EXTENSIONS = 'https://w3id.org/xapi/cmi5/context/extensions';
const AU = 'https://example.com/courses/algebra/au/1';

export type Cmi5Verb = 'launched' | 'initialized' | 'completed' | 'passed' | 'failed' | 'terminated' | 'abandoned' | 'waived' | 'satisfied';

const VERB_IDS: Record<Cmi5Verb, string> = {
  launched: 'http://adlnet.gov/expapi/verbs/launched',
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  passed: 'http://adlnet.gov/expapi/verbs/passed',
  failed: 'http://adlnet.gov/expapi/verbs/failed',
  terminated: 'http://adlnet.gov/expapi/verbs/terminated',
  abandoned: 'https://w3id.org/xapi/adl/verbs/abandoned',
  waived: 'http://adlnet.gov/expapi/verbs/waived',
  satisfied: 'http://adlnet.gov/expapi/verbs/satisfied',
};

let sequence = 0;

/** A cmi5-defined statement for `verb`, as an AU (or, for launched/satisfied/abandoned/waived, the LMS) sends it. */
export function cmi5Statement(verb: Cmi5Verb): Record<string, unknown> {
  sequence += 1;
  const moveOn = verb === 'completed' || verb === 'passed' || verb === 'failed' || verb === 'waived';
  const extensions: Record<string, unknown> = { [`${EXTENSIONS}/sessionid`]: '458240298378231' };
  if (verb === 'launched') {
    Object.assign(extensions, {
      [`${EXTENSIONS}/launchmode`]: 'Normal',
      [`${EXTENSIONS}/launchurl`]: 'https://au.example.com/algebra/index.html',
      [`${EXTENSIONS}/moveon`]: 'CompletedOrPassed',
      [`${EXTENSIONS}/launchparameters`]: '{"level":1}',
    });
  }
  const result: Record<string, unknown> = {};
  if (verb === 'completed') Object.assign(result, { completion: true, duration: 'PT30M' });
  if (verb === 'passed') Object.assign(result, { success: true, duration: 'PT31M', score: { scaled: 0.92 } });
  if (verb === 'failed') Object.assign(result, { success: false, duration: 'PT31M', score: { scaled: 0.42 } });
  if (verb === 'terminated' || verb === 'abandoned') result.duration = 'PT35M';
  if (verb === 'waived') Object.assign(result, { success: true, completion: true, extensions: { 'https://w3id.org/xapi/cmi5/result/extensions/reason': 'Equivalent' } });
  const statement: Record<string, unknown> = {
    id: `2a41c918-b88b-4220-a1e4-${String(sequence).padStart(12, '0')}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 10, 0, sequence)).toISOString(),
    actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'learner-42' } },
    verb: { id: VERB_IDS[verb], display: { 'en-US': verb } },
    object: { objectType: 'Activity', id: AU, definition: verb === 'satisfied' ? { type: 'https://w3id.org/xapi/cmi5/activitytype/block' } : undefined },
    context: {
      registration: 'ec231277-b27b-4c15-8291-d29225b2b8f7',
      contextActivities: {
        category: [{ id: CMI5_CATEGORY }, ...(moveOn ? [{ id: MOVEON_CATEGORY }] : [])],
        grouping: [{ id: AU }],
      },
      extensions,
    },
  };
  if (Object.keys(result).length > 0) statement.result = result;
  return JSON.parse(JSON.stringify(statement)) as Record<string, unknown>;
}
