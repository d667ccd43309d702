/**
 * Reading Caliper JSON from an untrusted sender: every field may be missing or of any type, so
 * each reader answers `undefined` rather than throwing, and the mapping decides what is required.
 */
import { CANVAS_URN } from './vocabulary';

export type CaliperNode = Record<string, unknown>;

/** The longest text kept from an event (an IRI, a name); longer ones are treated as absent. */
export const MAX_TEXT = 2048;

export function nodeOf(value: unknown): CaliperNode | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as CaliperNode) : undefined;
}

export function textOf(value: unknown, max = MAX_TEXT): string | undefined {
  return typeof value === 'string' && value.trim() !== '' && value.length <= max ? value : undefined;
}

/**
 * A Caliper term (type or action): Caliper 1.1 sends plain terms (`Submitted`), its drafts and some
 * senders full IRIs (`http://purl.imsglobal.org/vocab/caliper/v1/action#Submitted`).
 */
export function termOf(value: unknown): string | undefined {
  const text = textOf(value, 256);
  return text?.slice(Math.max(text.lastIndexOf('#'), text.lastIndexOf('/')) + 1) || undefined;
}

export function isType(node: CaliperNode | undefined, type: string): boolean {
  return termOf(node?.type) === type;
}

/** An absolute IRI as xAPI needs for Activity ids (a scheme, then no white space). */
export function iriOf(value: unknown): string | undefined {
  const text = textOf(value);
  return text !== undefined && /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]+$/i.test(text) ? text : undefined;
}

/** Canvas's own fields of an entity or event (`extensions["com.instructure.canvas"]`). */
export function canvasFields(node: CaliperNode | undefined): CaliperNode {
  return nodeOf(nodeOf(node?.extensions)?.['com.instructure.canvas']) ?? {};
}

/** `urn:instructure:canvas:user:42` → `42`; any other id is kept whole. */
export function canvasLocalId(id: string, kind: string): string {
  const prefix = `${CANVAS_URN}${kind}:`;
  return id.startsWith(prefix) && id.length > prefix.length ? id.slice(prefix.length) : id;
}

export function finiteNumberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Whether JSON nests deeper than `limit` levels, found without recursion (a hostile body may nest 100,000 deep). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}
