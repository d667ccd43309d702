/**
 * Video profile statements shaped as the xAPI Video Profile's examples (ADL, v1.0.2): one viewing
 * session of one learner. Written for Keiko LRS's tests; not part of ADL's profile.
 */

const EXT = 'https://w3id.org/xapi/video/extensions';
const VIDEO = 'https://example.com/videos/intro-to-algebra';

export type VideoVerb = 'initialized' | 'played' | 'paused' | 'seeked' | 'completed' | 'terminated';

const VERB_IDS: Record<VideoVerb, string> = {
  initialized: 'http://adlnet.gov/expapi/verbs/initialized',
  played: 'https://w3id.org/xapi/video/verbs/played',
  paused: 'https://w3id.org/xapi/video/verbs/paused',
  seeked: 'https://w3id.org/xapi/video/verbs/seeked',
  completed: 'http://adlnet.gov/expapi/verbs/completed',
  terminated: 'http://adlnet.gov/expapi/verbs/terminated',
};

let sequence = 0;

export function videoStatement(verb: VideoVerb, time = 0): Record<string, unknown> {
  sequence += 1;
  const context: Record<string, unknown> = {
    registration: '9a5d1a55-0b1b-4d5e-9d3c-2f6a4f0c1e77',
    contextActivities: { category: [{ id: 'https://w3id.org/xapi/video' }] },
    extensions: { [`${EXT}/session-id`]: 'e9f27ad3-4d6c-4d7e-a1a4-5e3f2b9c0d11', [`${EXT}/length`]: 600 },
  };
  const resultExtensions: Record<string, unknown> = { [`${EXT}/time`]: time };
  if (verb === 'seeked') Object.assign(resultExtensions, { [`${EXT}/time-from`]: 0, [`${EXT}/time-to`]: time });
  if (verb === 'paused' || verb === 'completed' || verb === 'terminated') {
    Object.assign(resultExtensions, { [`${EXT}/progress`]: time / 600, [`${EXT}/played-segments`]: `0[.]${time}` });
  }
  const statement: Record<string, unknown> = {
    id: `6690e6c9-3ef0-4ed3-8b37-${String(sequence).padStart(12, '0')}`,
    timestamp: new Date(Date.UTC(2026, 0, 1, 9, 0, sequence)).toISOString(),
    actor: { objectType: 'Agent', mbox: 'mailto:viewer@example.com' },
    verb: { id: VERB_IDS[verb], display: { 'en-US': verb } },
    object: { objectType: 'Activity', id: VIDEO, definition: { type: 'https://w3id.org/xapi/video/activity-type/video', name: { 'en-US': 'Intro to algebra' } } },
    context,
  };
  if (verb !== 'initialized') statement.result = { extensions: resultExtensions, ...(verb === 'completed' ? { completion: true } : {}) };
  return statement;
}
