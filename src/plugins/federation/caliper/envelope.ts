/**
 * What a Caliper sender POSTs: a Caliper 1.1 envelope `{ sensor, sendTime, dataVersion, data }`
 * (Canvas sends one per live event, with one event in `data`), or a bare event. A malformed
 * envelope is refused whole (400 naming the field); its events are judged one by one.
 */
import { BadRequestError } from '../../../plugin-api';
import { nodeOf, termOf, textOf } from './caliper-json';
import { statementIdOf, translateEvent, type Translation } from './mapping';
import { CALIPER_CONTEXTS } from './vocabulary';

export const CALIPER_ENVELOPE_INVALID = 'CALIPER_ENVELOPE_INVALID';
/** Events in one envelope at most (Canvas sends 1; a Caliper sensor batching may send tens). */
export const MAX_ENVELOPE_EVENTS = 1000;

export interface CaliperEnvelope {
  sensor?: string;
  events: unknown[];
}

export function readCaliperBody(body: unknown): CaliperEnvelope {
  const envelope = nodeOf(body);
  if (envelope === undefined) throw invalid('the body must be a Caliper envelope {"sensor", "sendTime", "dataVersion", "data": [events]} or one Caliper event');
  if (envelope.data === undefined && termOf(envelope.type) !== undefined && termOf(envelope.action) !== undefined) return { events: [envelope] };
  if (!Array.isArray(envelope.data)) throw invalid('data must be an array of Caliper events');
  if (envelope.data.length > MAX_ENVELOPE_EVENTS) throw invalid(`data holds ${envelope.data.length} events; at most ${MAX_ENVELOPE_EVENTS} are taken in one envelope`);
  if (envelope.dataVersion !== undefined && !(CALIPER_CONTEXTS as readonly unknown[]).includes(envelope.dataVersion)) {
    throw invalid(`dataVersion must be one of ${CALIPER_CONTEXTS.join(', ')}`);
  }
  if (envelope.sensor !== undefined && textOf(envelope.sensor) === undefined) throw invalid('sensor must be a non-empty text (the sender\'s IRI)');
  return { ...(envelope.sensor !== undefined && { sensor: envelope.sensor as string }), events: envelope.data };
}

function invalid(message: string): BadRequestError {
  return new BadRequestError(CALIPER_ENVELOPE_INVALID, message);
}

/**
 * Each event's translation, in order. An event id met earlier in the same envelope is skipped:
 * both would be one statement.
 */
export function translateEnvelope({ sensor, events }: CaliperEnvelope): Translation[] {
  const seen = new Set<string>();
  return events.map((event) => {
    const translation = translateEvent(event, sensor);
    if (translation.outcome !== 'mapped') return translation;
    const id = statementIdOf(translation.eventId);
    if (seen.has(id)) return { outcome: 'skipped', eventId: translation.eventId, reason: 'the same event id appears earlier in this envelope' };
    seen.add(id);
    return translation;
  });
}
