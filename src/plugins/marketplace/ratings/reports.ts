/**
 * Reports of problem spaces: a space-reported statement files one (apply), it waits in the
 * verifiers' queue as `open` until a verifier resolves it with a note. The workflow state is
 * decided here (store `reports`, never emptied by a rebuild: a rebuild files nothing twice).
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, recordedByPlugin, type Collection, type PluginStatements } from '../../../plugin-api';
import type { AgentKey, Party, Space, SpaceLookup } from '../model';
import type { ReportInput } from './inputs';
import { PLUGIN_NAME, type ReportRecord, type ReportState } from './records';
import { reportedStatement, reportIn, type ReportedStatement } from './statements';

/** A report as verifiers (and the reporter) read it. */
export interface ReportView {
  id: string;
  spaceId: string;
  /** The space's name, when the space is known. */
  spaceName?: Record<string, string>;
  reporter: { key: AgentKey; name?: string };
  category: ReportRecord['category'];
  description: string;
  /** RFC 3339. */
  filed: string;
  state: ReportState;
  resolution?: { verifier: { key: AgentKey; name?: string }; note: string; at: string };
}

export interface SpaceReportsOptions {
  store: Collection<ReportRecord>;
  statements: PluginStatements;
  spaces: SpaceLookup;
  publicUrl: string;
  now: () => number;
}

const MAX_LISTED = 100;
/** Optimistic updates of one report tried before giving up (each retry re-reads what another verifier decided). */
const UPDATE_ATTEMPTS = 5;
const iso = (ms: number) => new Date(ms).toISOString();

export class SpaceReports {
  constructor(private readonly options: SpaceReportsOptions) {}

  /** Files the report a space-reported statement makes (delivered again: kept as it is). */
  async file(id: string, report: ReportedStatement, filedMs: number): Promise<void> {
    await this.options.store.insert(id, openReport(report, filedMs));
  }

  /** A voided report counts nowhere. */
  async forget(id: string): Promise<void> {
    await this.options.store.delete(id);
  }

  /**
   * Records the party's report of the space. With a client-chosen id, sending it again answers the
   * report already made (created false); the id of another report → 409 REPORT_ID_CONFLICT.
   */
  async report(party: Party, space: Space, input: ReportInput): Promise<{ report: ReportView; created: boolean }> {
    const id = input.id ?? randomUUID();
    const known = await this.knownReport(id, party, space, input);
    if (known !== undefined) return { report: known, created: false };
    const timestamp = iso(this.options.now());
    const statement = reportedStatement({ id, actor: party.agent, space, category: input.category, description: input.description, timestamp });
    try {
      await this.options.statements.record([statement], { applied: true });
    } catch (error) {
      const raced = await this.knownReport(id, party, space, input); // the same report sent twice at once
      if (raced !== undefined) return { report: raced, created: false };
      throw error;
    }
    return { report: (await this.knownReport(id, party, space, input))!, created: true };
  }

  /** Reports in a state: open ones oldest first (the verifiers' queue), resolved ones newest first. */
  async reports(state: ReportState, limit = MAX_LISTED): Promise<ReportView[]> {
    const found = await this.options.store.find({ where: { state }, orderBy: [{ field: 'state' }, { field: 'filedMs', descending: state === 'resolved' }], limit: Math.min(limit, MAX_LISTED) });
    const spaces = await this.options.spaces.spaces([...new Set(found.map(({ value }) => value.spaceId))]);
    return found.map(({ id, value }) => reportView(id, value, spaces.get(value.spaceId)));
  }

  /** A verifier resolves an open report with a note; resolving it again with the same note answers the same. */
  async resolve(verifier: Party, id: string, note: string): Promise<ReportView> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt += 1) {
      const stored = await this.options.store.get(id);
      if (stored === undefined) throw new NotFoundError(`No report ${id}`, 'REPORT_NOT_FOUND');
      const { value } = stored;
      if (value.state === 'resolved') {
        if (value.resolution?.verifier === verifier.key && value.resolution.note === note) return this.viewOf(id, value);
        throw new ConflictError('REPORT_ALREADY_RESOLVED', `Report ${id} was already resolved on ${iso(value.resolution!.atMs)}`);
      }
      const name = verifier.agent.name;
      const resolved: ReportRecord = { ...value, state: 'resolved', resolution: { verifier: verifier.key, ...(name !== undefined && { verifierName: name }), note, atMs: this.options.now() } };
      if (await this.options.store.update(id, resolved, stored.revision)) return this.viewOf(id, resolved);
    }
    throw new ConflictError('REPORT_BUSY', `Report ${id} changed ${UPDATE_ATTEMPTS} times while resolving it: try again`);
  }

  private async viewOf(id: string, record: ReportRecord): Promise<ReportView> {
    return reportView(id, record, await this.options.spaces.space(record.spaceId));
  }

  /**
   * The report a statement with this id made, if it is this one (as apply filed it, or as the
   * statement says while apply has not yet); 409 when the id is another statement's.
   */
  private async knownReport(id: string, party: Party, space: Space, input: ReportInput): Promise<ReportView | undefined> {
    const stored = await this.options.statements.get(id);
    if (stored === undefined) return undefined;
    const made = recordedByPlugin(stored.statement, PLUGIN_NAME) && !stored.voided ? reportIn(stored.statement, this.options.publicUrl) : undefined;
    const same = made !== undefined && made.spaceId === space.id && made.reporter.key === party.key && made.category === input.category && made.description === input.description;
    if (!same) throw new ConflictError('REPORT_ID_CONFLICT', `The id ${id} belongs to another statement: choose a new id for a new report`);
    const filed = await this.options.store.get(id);
    return reportView(id, filed?.value ?? openReport(made, stored.stored.getTime()), space);
  }
}

function openReport({ reporter, ...facts }: ReportedStatement, filedMs: number): ReportRecord {
  return { ...facts, reporter: reporter.key, ...(reporter.name !== undefined && { reporterName: reporter.name }), filedMs, state: 'open' };
}

function reportView(id: string, record: ReportRecord, space: Space | undefined): ReportView {
  const { resolution } = record;
  return {
    id,
    spaceId: record.spaceId,
    ...(space !== undefined && { spaceName: space.name }),
    reporter: { key: record.reporter, ...(record.reporterName !== undefined && { name: record.reporterName }) },
    category: record.category,
    description: record.description,
    filed: iso(record.filedMs),
    state: record.state,
    ...(resolution !== undefined && {
      resolution: {
        verifier: { key: resolution.verifier, ...(resolution.verifierName !== undefined && { name: resolution.verifierName }) },
        note: resolution.note,
        at: iso(resolution.atMs),
      },
    }),
  };
}
