import { Router, type Request } from 'express';
import { csrfToken, i18n, renderPage, usePage, webPage, type Locale, type NavItem, type PeopleForPlugins, type StatementReceipts } from '../../plugin-api';
import { passportMessages } from './messages';
import { isHidden, type PrivacyStore } from './privacy';
import { encodeCursor, itemsQuery, signedInTimelinePage } from './routes';
import { TIMELINE_KINDS, type TimelineEntry, type TimelineResult } from './timeline-entries';
import { itemAnchoringOf } from './timeline-forms/anchoring';
import { TIMELINE_PAGE_PATH, timelineQueryString, timelineUrl } from './timeline-forms/links';
import { AnchoringState, ItemActions, ItemForms, PageStateContext, PassportLinks, PrivacySection, ShareForm, usePageState, type PageState } from './timeline-forms/page-forms';
import type { TimelineFilter, TimelineIndex } from './timeline-index';

export { TIMELINE_PAGE_PATH };
export const TIMELINE_NAV: NavItem = { href: TIMELINE_PAGE_PATH, label: { en: 'Passport', es: 'Pasaporte' } };

/** Query parameters of the page that are not the timeline's: the web shell's language switch. */
const PAGE_ONLY_PARAMETERS = new Set(['lang']);

export interface TimelinePageOptions {
  timeline: TimelineIndex;
  privacy: PrivacyStore;
  people: PeopleForPlugins;
  /** The anchoring plugin's receipts service, looked up per request (undefined while anchoring is off). */
  receipts: () => StatementReceipts | undefined;
}

/**
 * GET /plugins/passport/timeline: the signed-in person's timeline as a web page, from the same index and
 * query parameters as GET /api/items. Items are nested under the course, class or session they
 * name in contextActivities (parent first, then grouping) when that activity is on the same page.
 * Each item shows its anchoring and has buttons to hide or show it and a box to select it for a share.
 */
export function timelinePage({ timeline, privacy, people, receipts }: TimelinePageOptions): Router {
  const router = Router();
  router.get('/timeline', webPage(), people.requireSignIn(), async (req, res) => {
    const query = itemsQuery(formQuery(req));
    const { filter, cursor, includeHidden } = query;
    const { page, settings } = await signedInTimelinePage({ timeline, privacy, people }, req, query);
    const state: PageState = {
      settings,
      hidden: new Set(page.entries.filter((entry) => isHidden(entry, settings)).map((entry) => entry.statementId)),
      anchoring: await itemAnchoringOf(
        receipts(),
        page.entries.map((entry) => entry.statementId),
      ),
      returnQuery: timelineQueryString({ filter, includeHidden, cursor: cursor === undefined ? undefined : encodeCursor(cursor) }),
      csrf: csrfToken(res),
    };
    const m = passportMessages(i18n(res).locale);
    const older = page.next === undefined ? undefined : timelineUrl(timelineQueryString({ filter, includeHidden, cursor: encodeCursor(page.next) }));
    renderPage(res, {
      title: m.title,
      body: (
        <PageStateContext.Provider value={state}>
          <Timeline entries={page.entries} filter={filter} older={older} paged={cursor !== undefined} />
        </PageStateContext.Provider>
      ),
    });
  });
  return router;
}

/** The GET form sends empty fields for "any": those, and the language switch, are no filters. */
function formQuery(req: Request): Request['query'] {
  return Object.fromEntries(Object.entries(req.query).filter(([name, value]) => value !== '' && !PAGE_ONLY_PARAMETERS.has(name)));
}

/** An item of the page and the items nested under its activity. */
export interface TimelineNode {
  entry: TimelineEntry;
  children: TimelineNode[];
}

/**
 * Nests each entry under the entry on the page whose activity it names as its parent (else as a
 * grouping), keeping the page's order (newest first). An entry whose parents are not on the page,
 * or that would nest under itself, stays at the top.
 */
export function timelineTree(entries: TimelineEntry[]): TimelineNode[] {
  const nodes = entries.map((entry) => ({ entry, children: [] as TimelineNode[] }));
  const byActivity = new Map<string, TimelineNode>();
  for (const node of nodes) if (isContainer(node.entry) && !byActivity.has(node.entry.object.id!)) byActivity.set(node.entry.object.id!, node);
  const roots: TimelineNode[] = [];
  for (const node of nodes) {
    const container = containerOf(node, byActivity);
    (container === undefined ? roots : container.children).push(node);
  }
  return roots;
}

function isContainer(entry: TimelineEntry): boolean {
  return entry.object.id !== undefined && (entry.kind === 'course' || entry.kind === 'class' || entry.kind === 'session');
}

function containerOf(node: TimelineNode, byActivity: Map<string, TimelineNode>): TimelineNode | undefined {
  for (const id of [...node.entry.parents, ...node.entry.groupings]) {
    const container = byActivity.get(id);
    if (container !== undefined && !isWithin(container, node, byActivity)) return container;
  }
  return undefined;
}

/** Whether `candidate` already sits (directly or further down) under `node`: nesting it there would make a cycle. */
function isWithin(candidate: TimelineNode, node: TimelineNode, byActivity: Map<string, TimelineNode>, depth = 0): boolean {
  if (candidate === node) return true;
  if (depth > 8) return true;
  for (const id of [...candidate.entry.parents, ...candidate.entry.groupings]) {
    const up = byActivity.get(id);
    if (up !== undefined && up !== candidate && isWithin(up, node, byActivity, depth + 1)) return true;
  }
  return false;
}

function Timeline({ entries, filter, older, paged }: { entries: TimelineEntry[]; filter: TimelineFilter; older?: string; paged: boolean }) {
  const { locale } = usePage();
  const m = passportMessages(locale);
  return (
    <>
      <p class="lead">{m.lead}</p>
      <PassportLinks />
      <Filters filter={filter} institutions={institutionsOf(entries)} />
      {entries.length === 0 ? (
        <p>{m.empty}</p>
      ) : (
        <>
          <ShareForm />
          <Nodes nodes={timelineTree(entries)} />
          <ItemForms />
        </>
      )}
      {(paged || older !== undefined) && (
        <nav aria-label={m.paging}>
          <ul class="timeline-paging">
            {paged && (
              <li>
                <a href={TIMELINE_PAGE_PATH}>{m.newest}</a>
              </li>
            )}
            {older !== undefined && (
              <li>
                <a href={older} rel="next">
                  {m.older}
                </a>
              </li>
            )}
          </ul>
        </nav>
      )}
      <PrivacySection activityNames={activityNamesOf(entries, locale)} institutionNames={institutionsOf(entries)} />
    </>
  );
}

/** The names of the activities on this page, by id. */
function activityNamesOf(entries: TimelineEntry[], locale: Locale): Map<string, string> {
  const names = new Map<string, string>();
  for (const entry of entries) if (entry.object.id !== undefined) names.set(entry.object.id, activityName(entry, locale));
  return names;
}

/** The institutions the select offers: those of this page, and the one filtered by. */
function institutionsOf(entries: TimelineEntry[]): Map<string, string> {
  const institutions = new Map<string, string>();
  for (const entry of entries) institutions.set(entry.institution, entry.institutionName ?? entry.institution);
  return institutions;
}

function Filters({ filter, institutions }: { filter: TimelineFilter; institutions: Map<string, string> }) {
  const m = passportMessages(usePage().locale);
  if (filter.institution !== undefined && !institutions.has(filter.institution)) institutions.set(filter.institution, filter.institution);
  return (
    <form method="get" action={TIMELINE_PAGE_PATH} role="search" aria-label={m.filters}>
      <div class="field">
        <label for="passport-kind">{m.kind}</label>
        <select id="passport-kind" name="kind">
          <option value="">{m.anyKind}</option>
          {TIMELINE_KINDS.map((kind) => (
            <option value={kind} selected={filter.kind === kind}>
              {m.kinds[kind]}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="passport-institution">{m.institution}</label>
        <select id="passport-institution" name="institution">
          <option value="">{m.anyInstitution}</option>
          {[...institutions].map(([id, name]) => (
            <option value={id} selected={filter.institution === id}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="passport-q">{m.search}</label>
        <input id="passport-q" name="q" type="search" maxLength={200} value={filter.q ?? ''} />
      </div>
      <button type="submit">{m.apply}</button> <a href={TIMELINE_PAGE_PATH}>{m.clear}</a>
    </form>
  );
}

function Nodes({ nodes }: { nodes: TimelineNode[] }) {
  return (
    <ol class="timeline">
      {nodes.map((node) => (
        <li class={`timeline__item timeline__item--${node.entry.kind}`}>
          <Node node={node} />
        </li>
      ))}
    </ol>
  );
}

/** A session collapses (its interactions behind a summary); courses and classes show theirs open. */
function Node({ node }: { node: TimelineNode }) {
  const m = passportMessages(usePage().locale);
  if (node.children.length === 0) return <Item entry={node.entry} />;
  return (
    <details open={node.entry.kind !== 'session'}>
      <summary>
        <Headline entry={node.entry} /> ({m.itemsIn(node.children.length)})
      </summary>
      <Details entry={node.entry} />
      <ItemActions entry={node.entry} name={activityName(node.entry, usePage().locale)} />
      <Nodes nodes={node.children} />
    </details>
  );
}

function Item({ entry }: { entry: TimelineEntry }) {
  return (
    <>
      <Headline entry={entry} />
      <Details entry={entry} />
      <ItemActions entry={entry} name={activityName(entry, usePage().locale)} />
    </>
  );
}

function Headline({ entry }: { entry: TimelineEntry }) {
  const { locale } = usePage();
  const m = passportMessages(locale);
  return (
    <>
      <span class="timeline__kind">{m.kinds[entry.kind]}</span> <strong>{inLanguage(entry.verb.display, locale) ?? lastSegment(entry.verb.id)}</strong>{' '}
      <span class="timeline__activity">{activityName(entry, locale)}</span>
      {usePageState().hidden.has(entry.statementId) && (
        <>
          {' '}
          <span class="badge">{m.hidden}</span>
        </>
      )}
    </>
  );
}

function Details({ entry }: { entry: TimelineEntry }) {
  const { locale } = usePage();
  const m = passportMessages(locale);
  const results = entry.result === undefined ? [] : resultParts(entry.result, locale);
  return (
    <p class="timeline__details">
      <time datetime={happenedAt(entry)}>{new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(happenedAt(entry)))}</time>
      {results.length > 0 && ` · ${results.join(' · ')}`} · {m.assertedBy} {entry.institutionName ?? entry.institution} · <AnchoringState statementId={entry.statementId} />
    </p>
  );
}

function resultParts(result: TimelineResult, locale: Locale): string[] {
  const m = passportMessages(locale);
  const parts: string[] = [];
  const score = scoreText(result.score, locale);
  if (score !== undefined) parts.push(`${m.score} ${score}`);
  if (result.success !== undefined) parts.push(result.success ? m.passed : m.failed);
  if (result.completion !== undefined) parts.push(result.completion ? m.completed : m.incomplete);
  if (result.duration !== undefined) parts.push(`${m.duration} ${result.duration}`);
  return parts;
}

function scoreText(score: TimelineResult['score'], locale: Locale): string | undefined {
  if (score === undefined) return undefined;
  if (score.raw !== undefined) return score.max === undefined ? String(score.raw) : `${score.raw}/${score.max}`;
  if (score.scaled !== undefined) return new Intl.NumberFormat(locale, { style: 'percent' }).format(score.scaled);
  return undefined;
}

function activityName(entry: TimelineEntry, locale: Locale): string {
  const m = passportMessages(locale);
  const { object } = entry;
  if (object.objectType === 'StatementRef') return m.referredStatement;
  if (object.objectType === 'Agent' || object.objectType === 'Group') return m.person;
  return inLanguage(object.name, locale) ?? object.id ?? m.within;
}

/** The map's text in the page's language (any region), else its first. */
function inLanguage(map: Record<string, string> | undefined, locale: Locale): string | undefined {
  if (map === undefined) return undefined;
  const key = Object.keys(map).find((tag) => tag.toLowerCase().split('-')[0] === locale) ?? Object.keys(map)[0];
  return key === undefined ? undefined : map[key];
}

function lastSegment(iri: string): string {
  return iri.split(/[/#]/).filter(Boolean).at(-1) ?? iri;
}


/** When the learning happened as the institution says (its timestamp), rather than when it reached this LRS; entries of passport 0.1.0 have only `stored`. */
function happenedAt(entry: TimelineEntry): string {
  return entry.timestamp ?? entry.stored;
}
