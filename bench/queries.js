'use strict';
/**
 * GET statements: the query shapes, their targets, and the two ways each page is fetched —
 * over HTTP from the LRS (following `more`), and directly against the engine with the same
 * indexed query:
 *   - SQLite: the SQL of buildStatementQuery (dist/xapi/statements/sqlite-statement-storage.js),
 *     with its lookups (interned filter values, the seq of a `more` position), run with
 *     better-sqlite3 on the LRS's own database file through a read-only connection while the LRS
 *     holds it (WAL allows it); statementId is the adapter's `SELECT * FROM statements WHERE id = ?`;
 *   - MongoDB: the find/sort/limit of MongoStatementStorage.query (statementFilter: voided ≠ true,
 *     one equality per filter on the view, stored bounds, keyset $or) through the driver, or the
 *     findOne by _id.
 * Targets are drawn from stored statements (a random statement's actor, verb, activity, …), so
 * queries hit values in proportion to how often they are used.
 */
const http = require('node:http');
const { buildStatementQuery } = require('../dist/xapi/statements/sqlite-statement-storage');

const now = () => performance.now();
const PAGE = 100;
const SORT_DESC = { stored: -1, _id: -1 };

/** A stored statement as the targets need it. */
function sampleOf(body, storedMs) {
  const statement = typeof body === 'string' ? JSON.parse(body) : body;
  return {
    id: statement.id,
    stored: storedMs,
    mbox: statement.actor.mbox,
    verb: statement.verb.id,
    activity: statement.object.id,
    course: statement.context?.contextActivities?.parent?.[0]?.id,
    registration: statement.context?.registration,
    instructor: statement.context?.instructor?.account,
  };
}

const agentParam = (agent) => encodeURIComponent(JSON.stringify(agent));
const base = { relatedAgents: false, relatedActivities: false, ascending: false, limit: PAGE };

/**
 * Each shape turns a sample statement (and a second one, for `since`) into the HTTP query, the
 * StatementQuery the LRS builds from it (for buildStatementQuery) and the MongoDB filter of
 * MongoStatementStorage (statementFilter).
 */
const SHAPES = [
  {
    name: 'statementId',
    single: true,
    build: (s) => ({ http: `statementId=${s.id}`, id: s.id, label: s.id }),
  },
  {
    name: 'agent',
    build: (s) => {
      const key = `mbox:${s.mbox}`;
      return { http: `agent=${agentParam({ objectType: 'Agent', mbox: s.mbox })}`, query: { ...base, agentKey: key }, mongo: { 'v.a': key }, label: s.mbox };
    },
  },
  {
    name: 'agent+related_agents',
    build: (s) => {
      const key = `account:${s.instructor.homePage}|${s.instructor.name}`;
      return {
        http: `agent=${agentParam({ objectType: 'Agent', account: s.instructor })}&related_agents=true`,
        query: { ...base, agentKey: key, relatedAgents: true },
        mongo: { 'v.r': key },
        label: `instructor ${s.instructor.name}`,
      };
    },
  },
  {
    name: 'activity',
    build: (s) => ({ http: `activity=${encodeURIComponent(s.activity)}`, query: { ...base, activity: s.activity }, mongo: { 'v.ac': s.activity }, label: s.activity }),
  },
  {
    name: 'activity+related_activities',
    build: (s) => ({
      http: `activity=${encodeURIComponent(s.course)}&related_activities=true`,
      query: { ...base, activity: s.course, relatedActivities: true },
      mongo: { 'v.ra': s.course },
      label: s.course,
    }),
  },
  {
    name: 'verb+since',
    build: (s, other) => {
      const since = new Date(other.stored);
      return {
        http: `verb=${encodeURIComponent(s.verb)}&since=${encodeURIComponent(since.toISOString())}`,
        query: { ...base, verb: s.verb, since },
        mongo: { 'v.vb': s.verb, stored: { $gt: since } },
        label: `${s.verb.slice(s.verb.lastIndexOf('/') + 1)} since ${since.toISOString()}`,
      };
    },
  },
  {
    name: 'registration',
    build: (s) => ({
      http: `registration=${s.registration}`,
      query: { ...base, registration: s.registration },
      mongo: { 'v.rg': s.registration.toLowerCase() },
      label: s.registration,
    }),
  },
  {
    name: 'agent+verb',
    build: (s) => {
      const key = `mbox:${s.mbox}`;
      return {
        http: `agent=${agentParam({ objectType: 'Agent', mbox: s.mbox })}&verb=${encodeURIComponent(s.verb)}`,
        query: { ...base, agentKey: key, verb: s.verb },
        mongo: { 'v.a': key, 'v.vb': s.verb },
        label: `${s.mbox} ${s.verb.slice(s.verb.lastIndexOf('/') + 1)}`,
      };
    },
  },
  {
    // The first page is fetched but only the `more` pages after it are reported.
    name: 'unfiltered more',
    unfiltered: true,
    build: () => ({ http: '', query: { ...base }, mongo: {}, label: '(none)' }),
  },
];

// ---------------------------------------------------------------------------------------------
// HTTP side

function httpClient(url, admin) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const headers = {
    authorization: `Basic ${Buffer.from(`${admin.key}:${admin.secret}`).toString('base64')}`,
    'x-experience-api-version': '1.0.3',
  };
  /** GET; resolves with the time until the whole body arrived (before parsing it) and the parsed body. */
  const get = (pathAndQuery) =>
    new Promise((resolve, reject) => {
      const t0 = now();
      const request = http.request({ host: hostname, port, path: pathAndQuery, headers, agent }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const ms = now() - t0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) return reject(new Error(`GET ${pathAndQuery.slice(0, 200)} → ${response.statusCode}: ${text.slice(0, 300)}`));
          resolve({ ms, body: JSON.parse(text) });
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end();
    });
  return { get, close: () => agent.destroy() };
}

function httpWalker(client, target) {
  let next = target.id !== undefined
    ? `/xapi/statements?${target.http}`
    : `/xapi/statements?${target.http}${target.http ? '&' : ''}limit=${PAGE}`;
  return {
    done: () => next === undefined,
    async page() {
      const { ms, body } = await client.get(next);
      if (target.id !== undefined) {
        next = undefined;
        return { ms, ids: [body.id] };
      }
      next = body.more || undefined;
      return { ms, ids: body.statements.map((statement) => statement.id) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Direct side: SQLite

class SqliteDirect {
  /** `db`: a read-only better-sqlite3 connection on the LRS's database file. */
  constructor(db) {
    this.db = db;
    this.prepared = new Map();
    this.valueId = db.prepare('SELECT value_id FROM view_values WHERE field = ? AND value = ?').pluck();
    this.seqOf = db.prepare('SELECT seq FROM statements WHERE id = ?').pluck();
    this.byId = db.prepare('SELECT * FROM statements WHERE id = ?');
    this.lookups = { valueId: (field, value) => this.valueId.get(field, value), seqOf: (id) => this.seqOf.get(id) };
  }

  prepare(sql) {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** The SQL of a page, as SqliteStatementStorage.query builds it. */
  build(query) {
    return buildStatementQuery(query, this.lookups);
  }

  walker(target) {
    let after;
    let finished = false;
    return {
      done: () => finished,
      page: async () => {
        if (target.id !== undefined) {
          const t0 = now();
          const row = this.byId.get(target.id);
          const ms = now() - t0;
          finished = true;
          return { ms, ids: row ? [row.id] : [] };
        }
        const t0 = now();
        const built = this.build({ ...target.query, after });
        const rows = built === undefined ? [] : this.prepare(built.sql).all(...built.params);
        const ms = now() - t0;
        const page = rows.slice(0, PAGE);
        if (rows.length <= PAGE) finished = true;
        else after = { stored: new Date(page[page.length - 1].stored), id: page[page.length - 1].id };
        return { ms, ids: page.map((row) => row.id) };
      },
    };
  }

  /** EXPLAIN QUERY PLAN of the first page (and of a `more` page) of a target, as an indented tree. */
  explain(target) {
    if (target.id !== undefined) return { first: planTree(this.db, 'SELECT * FROM statements WHERE id = ?', [target.id]) };
    const first = this.build(target.query);
    if (first === undefined) return { first: ['(no statement can match: no query is run)'] };
    const rows = this.prepare(first.sql).all(...first.params);
    const result = { sql: first.sql, first: planTree(this.db, first.sql, first.params) };
    if (rows.length > PAGE) {
      const last = rows[PAGE - 1];
      const more = this.build({ ...target.query, after: { stored: new Date(last.stored), id: last.id } });
      result.moreSql = more.sql;
      result.more = planTree(this.db, more.sql, more.params);
    }
    return result;
  }
}

function planTree(db, sql, params) {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params);
  const depth = new Map([[0, -1]]);
  return rows.map((row) => {
    const level = (depth.get(row.parent) ?? -1) + 1;
    depth.set(row.id, level);
    return `${'  '.repeat(level)}${row.detail}`;
  });
}

// ---------------------------------------------------------------------------------------------
// Direct side: MongoDB

class MongoDirect {
  constructor(collection) {
    this.collection = collection;
  }

  filter(target, after) {
    const filter = { voided: { $ne: true }, ...target.mongo };
    if (after) filter.$or = [{ stored: { $lt: after.stored } }, { stored: after.stored, _id: { $lt: after.id } }];
    return filter;
  }

  walker(target) {
    let after;
    let finished = false;
    return {
      done: () => finished,
      page: async () => {
        if (target.id !== undefined) {
          const t0 = now();
          const document = await this.collection.findOne({ _id: target.id });
          finished = true;
          return { ms: now() - t0, ids: document ? [document._id] : [] };
        }
        const t0 = now();
        const documents = await this.collection.find(this.filter(target, after)).sort(SORT_DESC).limit(PAGE + 1).toArray();
        const ms = now() - t0;
        const page = documents.slice(0, PAGE);
        if (documents.length <= PAGE) finished = true;
        else after = { stored: page[page.length - 1].stored, id: page[page.length - 1]._id };
        return { ms, ids: page.map((document) => document._id) };
      },
    };
  }

  async explain(target) {
    const cursor = target.id !== undefined
      ? this.collection.find({ _id: target.id }).limit(1)
      : this.collection.find(this.filter(target)).sort(SORT_DESC).limit(PAGE + 1);
    const explained = await cursor.explain('queryPlanner');
    return { filter: target.id !== undefined ? { _id: target.id } : this.filter(target), plan: summarizeMongoPlan(explained) };
  }
}

/** MongoDB: the winning plan's stages (with index names); FerretDB v1: its SQL plan and what it pushed down. */
function summarizeMongoPlan(explained) {
  const winning = explained?.queryPlanner?.winningPlan;
  if (winning && typeof winning === 'object') {
    const stages = [];
    for (let stage = winning.queryPlan ?? winning; stage; stage = stage.inputStage ?? stage.inputStages?.[0]) {
      stages.push(stage.indexName ? `${stage.stage} ${stage.indexName}${stage.indexBounds ? ` ${JSON.stringify(stage.indexBounds)}` : ''}` : stage.stage);
    }
    return stages;
  }
  const lines = [];
  const plan = explained?.queryPlanner?.Plan;
  if (Array.isArray(plan)) lines.push(...plan.map((line) => `SQLite: ${String(line).replace(/^id=\d+ parent=\d+ notused=\d+ detail=/, '')}`));
  for (const flag of ['filterPushdown', 'sortPushdown', 'limitPushdown']) if (flag in (explained ?? {})) lines.push(`${flag}: ${explained[flag]}`);
  return lines.length > 0 ? lines : [JSON.stringify(explained).slice(0, 500)];
}

// ---------------------------------------------------------------------------------------------
// Running the shapes

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

/**
 * For every shape, `queries` targets, each walked for up to `pages` pages (statementId: one;
 * unfiltered: the first page and `unfilteredMore` more), every page fetched over HTTP and directly,
 * in alternating order. Round by round across the shapes; no new page starts after `budgetSeconds`,
 * except the first page of every shape. Before timing, one untimed page per shape each way.
 */
async function runShapes({ client, direct, sample, options, budgetSeconds, log }) {
  const targetsOf = (shape, count) => Array.from({ length: count }, () => shape.build(sample(), sample()));
  // Warm-up: statements, caches, JIT; the credential's verification is cached by then too.
  for (const shape of SHAPES) {
    const [target] = targetsOf(shape, 1);
    await httpWalker(client, target).page();
    await direct.walker(target).page();
  }
  const state = SHAPES.map((shape) => ({
    shape,
    targets: targetsOf(shape, options.queries),
    http: [],
    direct: [],
    httpFirst: [],
    directFirst: [],
    matches: [],
    mismatches: 0,
    walks: 0,
  }));
  const deadline = now() + budgetSeconds * 1000;
  const pageCost = new Map();
  let outOfTime = false;
  for (let rep = 0; rep < options.queries && !outOfTime; rep++) {
    for (const s of state) {
      const target = s.targets[rep];
      const pages = s.shape.single ? 1 : s.shape.unfiltered ? 1 + options.unfilteredMore : options.pages;
      const ours = httpWalker(client, target);
      const theirs = direct.walker(target);
      const oursIds = [];
      const theirsIds = [];
      for (let page = 0; page < pages; page++) {
        if (ours.done() && theirs.done()) break;
        const mandatory = rep === 0 && (page === 0 || (s.shape.unfiltered && page === 1));
        if (!mandatory && now() + (pageCost.get(s.shape.name) ?? 0) > deadline) {
          outOfTime = true;
          break;
        }
        const t0 = now();
        const runOurs = async () => {
          if (ours.done()) return;
          const p = await ours.page();
          oursIds.push(p.ids);
          if (s.shape.unfiltered && page === 0) s.httpFirst.push(p.ms);
          else s.http.push(p.ms);
        };
        const runTheirs = async () => {
          if (theirs.done()) return;
          const p = await theirs.page();
          theirsIds.push(p.ids);
          if (s.shape.unfiltered && page === 0) s.directFirst.push(p.ms);
          else s.direct.push(p.ms);
        };
        if ((rep + page) % 2 === 0) {
          await runOurs();
          await runTheirs();
        } else {
          await runTheirs();
          await runOurs();
        }
        pageCost.set(s.shape.name, now() - t0);
      }
      s.walks++;
      s.matches.push(oursIds.reduce((n, ids) => n + ids.length, 0));
      const compared = Math.min(oursIds.length, theirsIds.length);
      if (JSON.stringify(oursIds.slice(0, compared)) !== JSON.stringify(theirsIds.slice(0, compared))) s.mismatches++;
      if (outOfTime) break;
    }
  }
  if (outOfTime) log?.('query budget spent: fewer queries than asked (see n)');
  return state.map((s) => ({
    shape: s.shape.name,
    walks: s.walks,
    http: summarize(s.http),
    direct: summarize(s.direct),
    ...(s.shape.unfiltered ? { httpFirstPage: summarize(s.httpFirst), directFirstPage: summarize(s.directFirst) } : {}),
    rowsPerWalk: summarize(s.matches),
    mismatches: s.mismatches,
    exampleTarget: s.targets[0].label,
  }));
}

/** The plan of each shape for one target (the engine's explain). */
async function explainShapes({ direct, sample }) {
  const plans = [];
  for (const shape of SHAPES) {
    const target = shape.build(sample(), sample());
    plans.push({ shape: shape.name, target: target.label, ...(await direct.explain(target)) });
  }
  return plans;
}

module.exports = { SHAPES, sampleOf, httpClient, SqliteDirect, MongoDirect, runShapes, explainShapes, summarize, percentile };
