import { Router, type Request } from 'express';
import { BadRequestError, NotFoundError } from '../errors';
import { i18n, usePage, type Locale } from '../web';
import { parseUuidParameter, type ActorValidator } from '../xapi/parameters';
import { pickLanguage } from '../xapi/statements/format';
import { parseGetStatementsRequest, type GetStatementsRequest } from '../xapi/statements/get-request';
import type { StatementReader } from '../xapi/statements/reader';
import { createStatementValidator } from '../xapi/statements/validation/validate-statement';
import type { Activity, Actor, LanguageMap, StatementObject, StoredStatement, Verb } from '../xapi/types';
import { consolePageMessages, formatTime, type ConsolePageMessages } from './messages-pages';
import { ScrollTable } from './scroll-table';
import { CONSOLE_PATH, type ConsoleShell } from './shell';

export const CONSOLE_STATEMENTS_PATH = `${CONSOLE_PATH}/statements`;

/** Rows per page when the form does not say; a page is read by people, not by a client. */
export const CONSOLE_PAGE_SIZE = 20;
/** The most rows a page shows, whatever `limit` asks for (0 asks for the most, as in xAPI). */
export const CONSOLE_MAX_PAGE_SIZE = 200;

/** The GET /xapi/statements filters the form offers; they stay in the URL so a page can be bookmarked. */
const FILTER_FIELDS = [
  'agent', 'verb', 'activity', 'registration', 'since', 'until', 'limit', 'related_agents', 'related_activities', 'ascending',
] as const;
type FilterField = (typeof FILTER_FIELDS)[number];
type FilterValues = Partial<Record<FilterField, string>>;
const CHECKBOXES = ['related_agents', 'related_activities', 'ascending'] as const;

export interface StatementPagesOptions {
  reader: StatementReader;
  /** How the `agent` filter's JSON is checked (default: the statement validator's, as /xapi uses). */
  validateActor?: ActorValidator;
}

/**
 * The statement browser: the xAPI GET /statements filters as a GET form (parsed and checked by the
 * xAPI parser itself), the matching statements with `more` paging, and each statement's raw JSON.
 * The admin sees every credential's statements.
 */
export function statementPages(shell: ConsoleShell, options: StatementPagesOptions): Router {
  const validateActor = options.validateActor ?? defaultActorValidator();
  const router = Router();
  const admin = shell.requireAdmin();

  router.get(CONSOLE_STATEMENTS_PATH, ...admin, async (req, res) => {
    const m = consolePageMessages(i18n(res).locale);
    const values = filterValues(req);
    let request: GetStatementsRequest;
    try {
      request = parseGetStatementsRequest(parserInput(req, values), validateActor, CONSOLE_MAX_PAGE_SIZE);
    } catch (error) {
      if (!(error instanceof BadRequestError)) throw error;
      shell.renderPage(res, { title: m.statements.title, status: 400, body: <StatementBrowser values={values} problem={error.message} /> });
      return;
    }
    const result = await options.reader.read(request, { languages: [] }, CONSOLE_STATEMENTS_PATH);
    const { statements, more } = result.body as { statements: StoredStatement[]; more: string };
    shell.renderPage(res, {
      title: m.statements.title,
      body: <StatementBrowser values={values} statements={statements} moreHref={moreHref(values, more)} />,
    });
  });

  router.get(`${CONSOLE_STATEMENTS_PATH}/:statementId`, ...admin, async (req, res) => {
    const m = consolePageMessages(i18n(res).locale);
    const id = parseUuidParameter('statementId', String(req.params.statementId));
    const { statement, voided } = await readAnyStatement(options.reader, id);
    shell.renderPage(res, { title: `${m.statements.statementTitle} ${id}`, body: <StatementView statement={statement} voided={voided} /> });
  });

  return router;
}

function defaultActorValidator(): ActorValidator {
  const validator = createStatementValidator();
  return (actor, path) => validator.validateActor(actor, path);
}

/** The form's fields as the URL gives them; empty ones are left out (an empty form field means "no filter"). */
function filterValues(req: Request): FilterValues {
  const values: FilterValues = {};
  for (const field of FILTER_FIELDS) {
    const value = req.query[field];
    if (typeof value === 'string' && value.trim() !== '') values[field] = value.trim();
  }
  return values;
}

/**
 * What the xAPI parser reads: the `more` cursor alone (it carries the filters), else the filters,
 * each repeated parameter kept as given so the parser refuses it.
 */
function parserInput(req: Request, values: FilterValues): Record<string, unknown> {
  if (req.query.more !== undefined) return { more: req.query.more };
  const input: Record<string, unknown> = { limit: String(CONSOLE_PAGE_SIZE), ...values };
  for (const field of FILTER_FIELDS) if (Array.isArray(req.query[field])) input[field] = req.query[field];
  return input;
}

/** The reader's `more` link turned into one that keeps the form's values in the URL. */
function moreHref(values: FilterValues, more: string): string | undefined {
  if (more === '') return undefined;
  const cursor = new URL(more, 'http://keiko.invalid').searchParams.get('more')!;
  return `${CONSOLE_STATEMENTS_PATH}?${new URLSearchParams({ ...values, more: cursor }).toString()}`;
}

/** A statement by id, voided or not (xAPI only gives a voided one to voidedStatementId). */
async function readAnyStatement(reader: StatementReader, id: string): Promise<{ statement: StoredStatement; voided: boolean }> {
  for (const voided of [false, true]) {
    try {
      const result = await reader.read({ kind: 'single', id, voided, format: 'exact', attachments: false }, { languages: [] }, '');
      return { statement: result.body as StoredStatement, voided };
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  }
  throw new NotFoundError(`No statement has the id ${id}`);
}

function StatementBrowser(props: { values: FilterValues; problem?: string; statements?: StoredStatement[]; moreHref?: string }) {
  const m = consolePageMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.statements.lead}</p>
      {props.problem !== undefined && (
        <p class="error-text" role="alert">
          {m.statements.invalid(props.problem)}
        </p>
      )}
      <FilterForm values={props.values} m={m} open={props.problem !== undefined || Object.keys(props.values).length > 0} />
      {props.statements !== undefined && <StatementTable statements={props.statements} moreHref={props.moreHref} m={m} />}
    </>
  );
}

/** Folded away (without script: a <details>) until filters are in use, so that the statements come first. */
function FilterForm({ values, m, open }: { values: FilterValues; m: ConsolePageMessages; open: boolean }) {
  const s = m.statements;
  const text = (field: FilterField, label: string, hint?: string) => (
    <div class="field">
      <label for={`filter-${field}`}>{label}</label>
      {hint !== undefined && <p id={`filter-${field}-hint`}>{hint}</p>}
      <input id={`filter-${field}`} name={field} type="text" value={values[field] ?? ''} aria-describedby={hint === undefined ? undefined : `filter-${field}-hint`} />
    </div>
  );
  const checkbox = (field: (typeof CHECKBOXES)[number], label: string) => (
    <div class="field">
      <label>
        <input name={field} type="checkbox" value="true" checked={values[field] === 'true'} /> {label}
      </label>
    </div>
  );
  return (
    <details open={open}>
      <summary id="filters-title">{s.filters}</summary>
      <form method="get" action={CONSOLE_STATEMENTS_PATH} aria-labelledby="filters-title">
        {text('agent', s.agent, s.agentHint)}
        {text('verb', s.verb)}
        {text('activity', s.activity)}
        {text('registration', s.registration)}
        {text('since', s.since, s.timeHint)}
        {text('until', s.until, s.timeHint)}
        <div class="field">
          <label for="filter-limit">{s.limit}</label>
          <input id="filter-limit" name="limit" type="number" min="0" max={String(CONSOLE_MAX_PAGE_SIZE)} value={values.limit ?? String(CONSOLE_PAGE_SIZE)} />
        </div>
        {checkbox('related_agents', s.relatedAgents)}
        {checkbox('related_activities', s.relatedActivities)}
        {checkbox('ascending', s.ascending)}
        <p>
          <button type="submit">{s.search}</button> <a href={CONSOLE_STATEMENTS_PATH}>{s.clear}</a>
        </p>
      </form>
    </details>
  );
}

function StatementTable({ statements, moreHref, m }: { statements: StoredStatement[]; moreHref?: string; m: ConsolePageMessages }) {
  const { locale } = usePage();
  const s = m.statements;
  if (statements.length === 0) return <p>{s.none}</p>;
  return (
    <section aria-labelledby="results-title">
      <h2 id="results-title">{s.results(statements.length)}</h2>
      <ScrollTable columns={[{ label: s.stored }, { label: s.actor }, { label: s.verbColumn }, { label: s.object }, { label: s.authority }]}>
        {statements.map((statement) => (
          <tr key={statement.id}>
            <td>
              <a href={`${CONSOLE_STATEMENTS_PATH}/${statement.id}`}>
                <time dateTime={statement.stored}>{formatTime(statement.stored, locale)}</time>
              </a>
            </td>
            <td>{actorLabel(statement.actor)}</td>
            <td>{verbLabel(statement.verb, locale)}</td>
            <td>{objectLabel(statement.object, locale)}</td>
            <td>{actorLabel(statement.authority)}</td>
          </tr>
        ))}
      </ScrollTable>
      {moreHref !== undefined && (
        <p>
          <a class="button" href={moreHref} rel="next">
            {s.more}
          </a>
        </p>
      )}
    </section>
  );
}

function StatementView({ statement, voided }: { statement: StoredStatement; voided: boolean }) {
  const { locale } = usePage();
  const s = consolePageMessages(locale).statements;
  return (
    <>
      <dl>
        <dt>{s.id}</dt>
        <dd>{statement.id}</dd>
        <dt>{s.stored}</dt>
        <dd>
          <time dateTime={statement.stored}>{formatTime(statement.stored, locale)}</time>
        </dd>
        <dt>{s.voided}</dt>
        <dd>{voided ? s.yes : s.no}</dd>
      </dl>
      <h2 id="statement-json">{s.json}</h2>
      <div class="table-scroll" role="region" aria-labelledby="statement-json" tabindex={0}>
        <pre>{JSON.stringify(statement, null, 2)}</pre>
      </div>
      <p>
        <a href={CONSOLE_STATEMENTS_PATH}>{s.back}</a>
      </p>
    </>
  );
}

/** Its name, else its identifier (an IFI), else, for an anonymous Group, its members. */
export function actorLabel(actor: Actor | undefined): string {
  if (actor === undefined) return '';
  if (actor.name !== undefined) return actor.name;
  if (actor.mbox !== undefined) return actor.mbox.replace(/^mailto:/i, '');
  if (actor.mbox_sha1sum !== undefined) return `sha1:${actor.mbox_sha1sum}`;
  if (actor.openid !== undefined) return actor.openid;
  if (actor.account !== undefined) return `${actor.account.name} (${actor.account.homePage})`;
  const members = actor.objectType === 'Group' ? (actor.member ?? []) : [];
  return members.map(actorLabel).join(', ');
}

function verbLabel(verb: Verb, locale: Locale): string {
  return inLanguage(verb.display, locale) ?? verb.id;
}

function objectLabel(object: StatementObject, locale: Locale): string {
  switch (object.objectType) {
    case 'Agent':
    case 'Group':
      return actorLabel(object);
    case 'StatementRef':
      return object.id;
    case 'SubStatement':
      return `${actorLabel(object.actor)} · ${verbLabel(object.verb, locale)} · ${objectLabel(object.object, locale)}`;
    default: // an object without objectType is an Activity (Data 2.4.4.1)
      return inLanguage((object as Activity).definition?.name, locale) ?? (object as Activity).id;
  }
}

function inLanguage(map: LanguageMap | undefined, locale: Locale): string | undefined {
  if (map === undefined) return undefined;
  return Object.values(pickLanguage(map, [{ tag: locale, quality: 1 }]))[0];
}
