'use strict';
/**
 * xAPI Profiles benchmark (issue 9 §3 goals): statements checked per second on one core against a
 * profile of 61 Statement Templates (20 verbs × 3 templates, 4–6 rules each, plus one template
 * without determining properties that applies to every statement; about a fifth of the
 * statements break a rule), the p99 time per statement, and the size of the persisted pattern
 * state per registration (and for random sessions against ADL's cmi5 profile). Baselines in the
 * same run, per statement, on the same statements: JSON.parse of the statement's text, and the
 * LRS's own statement validation (ajv + the xAPI rules), which every statement pays already.
 *
 *   npm run build && node bench/profile-validation.js [--statements N] [--rounds N]
 *
 *   --statements N   statements per round (default 20000; bench/statements.js, seeded)
 *   --rounds N       timed rounds after one warm-up round (default 3); the median round is reported
 *   --out FILE       also write the figures as JSON to FILE
 *
 * Goals: ≥ 10,000 statements/s, p99 < 0.5 ms per statement, pattern state ≤ 1 KB per registration.
 */
const fs = require('node:fs');
const path = require('node:path');
const { randomUUID } = require('node:crypto');

const engine = require('../dist/profiles/engine');
const { profileDocument } = require('../dist/profiles/engine/document-builder');
const { cmi5Statement } = require('../dist/profiles/published/cmi5/statements');
const { createStatementValidator } = require('../dist/xapi/statements/validation/validate-statement');
const { VERBS, COURSE_COUNT, PROGRAMS, courseId, makeStatement, seededRandom } = require('./statements');

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

const STATEMENTS = Number(option('statements', 20_000));
const ROUNDS = Number(option('rounds', 3));
const OUT = option('out', undefined);

const P = 'https://example.org/profiles/bench';
const LESSON = 'http://adlnet.gov/expapi/activities/lesson';
const COURSES = Array.from({ length: COURSE_COUNT }, (_, course) => courseId(course));
const PROGRAM_IDS = PROGRAMS.map((program) => `http://example.org/programs/${program}`);

/** Three templates per verb: one for every such statement, one for lessons with a definition, one whose determining properties never match. */
function benchProfile() {
  const templates = [
    {
      id: `${P}/templates/any-statement`,
      rules: [
        { location: '$.actor', presence: 'included' },
        { location: '$.verb.id | $.object.id', presence: 'included' },
        { location: '$.context.contextActivities.category[*].id', presence: 'recommended', none: [`${P}/retired`] },
      ],
    },
  ];
  for (const verb of VERBS) {
    templates.push(
      {
        id: `${P}/templates/${verb.word}`,
        verb: verb.id,
        rules: [
          { location: '$.timestamp', presence: 'included' },
          { location: '$.context.registration', presence: 'included' },
          { location: '$.context.contextActivities.parent[*].id', presence: 'included', any: COURSES },
          { location: '$.result.success', presence: 'recommended', all: [true] },
          { location: "$.context.extensions['http://example.org/extensions/session.id']", presence: 'included' },
          { location: '$.object.id', presence: 'included' },
        ],
      },
      {
        id: `${P}/templates/${verb.word}-lesson`,
        verb: verb.id,
        objectActivityType: LESSON,
        rules: [
          { location: '$.object.definition.name', presence: 'included' },
          { location: '$.result.duration', presence: 'recommended' },
          { location: '$.context.contextActivities.grouping[*]', selector: 'id', presence: 'included', all: PROGRAM_IDS },
          { location: "$.object.definition.extensions['http://example.org/extensions/difficulty'].level", all: [1, 2, 3, 4, 5] },
        ],
      },
      {
        id: `${P}/templates/${verb.word}-in-unit`,
        verb: verb.id,
        contextParentActivityType: [`${P}/types/unit`],
        rules: [
          { location: '$.result.success', presence: 'included' },
          { location: '$.result.completion', presence: 'included', all: [true] },
          { location: '$.context.instructor', presence: 'excluded' },
          { location: '$.context.language', any: ['en-US', 'es-ES'] },
        ],
      },
    );
  }
  const all = templates.slice(1).map((template) => template.id);
  const patterns = [
    { id: `${P}/patterns/any-activity`, alternates: all },
    { id: `${P}/patterns/course`, primary: true, oneOrMore: `${P}/patterns/any-activity` },
    {
      id: `${P}/patterns/session`,
      primary: true,
      sequence: [`${P}/templates/launched`, `${P}/patterns/middle`, `${P}/patterns/end`],
    },
    { id: `${P}/patterns/middle`, zeroOrMore: `${P}/patterns/any-activity` },
    { id: `${P}/patterns/end`, alternates: [`${P}/templates/terminated`, `${P}/templates/suspended`] },
  ];
  return profileDocument({ templates, patterns, top: { id: P, versions: [{ id: `${P}/v1`, generatedAtTime: '2026-01-01T00:00:00Z' }] } });
}

function withVersion(document) {
  const text = JSON.stringify(document).replaceAll('https://example.org/profiles/example/v1', `${P}/v1`);
  return JSON.parse(text);
}

function percentile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Runs `work` on every item, timing each; returns the rate (wall and CPU) and per-item percentiles in ms. */
function measure(items, work) {
  const times = new Float64Array(items.length);
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  for (let i = 0; i < items.length; i += 1) {
    const start = process.hrtime.bigint();
    work(items[i]);
    times[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  times.sort();
  return {
    perSecond: Math.round((items.length / wallMs) * 1000),
    perCpuSecond: Math.round((items.length / cpuMs) * 1000),
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    max: times[times.length - 1],
  };
}

function median(rounds, key) {
  return rounds.map((round) => round[key]).sort((a, b) => a.perSecond - b.perSecond)[Math.floor(rounds.length / 2)];
}

/** The largest cmi5 pattern state over 2,000 registrations of 30 random cmi5 statements each (ADL's cmi5 profile). */
function cmi5StateSize() {
  const text = fs.readFileSync(path.join(__dirname, '..', 'src', 'profiles', 'published', 'cmi5', 'cmi5-v1.0-keiko.jsonld'), 'utf8');
  const { profile } = engine.compileProfile(JSON.parse(text));
  const verbs = ['launched', 'initialized', 'completed', 'passed', 'failed', 'terminated', 'abandoned', 'waived', 'satisfied'];
  const statements = verbs.map((verb) => ({ verb, matched: engine.checkStatement(profile, cmi5Statement(verb), () => undefined).matched }));
  const random = seededRandom(5);
  let largest = 0;
  for (let registration = 0; registration < 2000; registration += 1) {
    let state = engine.initialPatternStates(profile);
    for (let i = 0; i < 30; i += 1) {
      state = engine.advancePatterns(profile, state, statements[Math.floor(random() * statements.length)].matched).state;
      largest = Math.max(largest, Buffer.byteLength(JSON.stringify(state)));
    }
  }
  return largest;
}

function main() {
  const compileStart = process.hrtime.bigint();
  const result = engine.compileProfile(withVersion(benchProfile()));
  const compileMs = Number(process.hrtime.bigint() - compileStart) / 1e6;
  if ('problems' in result) throw new Error(`bench profile does not compile: ${JSON.stringify(result.problems.slice(0, 5))}`);
  const profile = result.profile;

  const random = seededRandom(9);
  const texts = [];
  for (let i = 0; i < STATEMENTS; i += 1) {
    const { statement } = makeStatement({ random, timestamp: new Date(Date.UTC(2026, 0, 1) + i * 1000) });
    texts.push(JSON.stringify({ id: randomUUID(), ...statement }));
  }
  const statements = texts.map((text) => JSON.parse(text));
  const validator = createStatementValidator();
  const none = () => undefined;

  const rounds = [];
  let matchedTotal = 0;
  let failedTotal = 0;
  for (let round = 0; round <= ROUNDS; round += 1) {
    const parse = measure(texts, (text) => JSON.parse(text));
    const validate = measure(statements, (statement) => validator.validateStatement(statement));
    matchedTotal = 0;
    failedTotal = 0;
    const check = measure(statements, (statement) => {
      const outcome = engine.checkStatement(profile, statement, none);
      matchedTotal += outcome.matched.length;
      failedTotal += outcome.failures.length;
    });
    if (round > 0) rounds.push({ parse, validate, check });
  }

  // Patterns: each registration's statements in order, its state kept as JSON as a store would.
  const states = new Map();
  const checks = statements.map((statement) => engine.checkStatement(profile, statement, none).matched);
  const indexes = statements.map((_, i) => i);
  const advance = measure(indexes, (i) => {
    const registration = statements[i].context.registration;
    const before = states.get(registration);
    const { state } = engine.advancePatterns(profile, before ? JSON.parse(before) : engine.initialPatternStates(profile), checks[i]);
    states.set(registration, JSON.stringify(state));
  });
  const sizes = [...states.values()].map((json) => Buffer.byteLength(json)).sort((a, b) => a - b);
  const cmi5Largest = cmi5StateSize();

  const figures = {
    templates: profile.templates.length,
    rules: benchProfile().templates.reduce((sum, template) => sum + (template.rules?.length ?? 0), 0),
    statements: STATEMENTS,
    rounds: ROUNDS,
    compileMs: Math.round(compileMs * 10) / 10,
    matchedPerStatement: Math.round((matchedTotal / STATEMENTS) * 100) / 100,
    failuresPerStatement: Math.round((failedTotal / STATEMENTS) * 100) / 100,
    check: median(rounds, 'check'),
    baselineJsonParse: median(rounds, 'parse'),
    baselineStatementValidation: median(rounds, 'validate'),
    patterns: {
      advance,
      registrations: states.size,
      stateBytes: { median: percentile(sizes, 0.5), max: sizes[sizes.length - 1] },
      cmi5LargestStateBytes: cmi5Largest,
    },
  };
  const ms = (value) => `${value.toFixed(4)} ms`;
  const line = (name, m) => `${name.padEnd(34)} ${String(m.perSecond).padStart(9)}/s wall  ${String(m.perCpuSecond).padStart(9)}/s CPU   p50 ${ms(m.p50)}  p99 ${ms(m.p99)}  max ${ms(m.max)}`;
  console.log(`xAPI Profiles: ${figures.templates} templates, ${figures.rules} rules; ${STATEMENTS} statements, median of ${ROUNDS} rounds; load ${require('node:os').loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`compileProfile: ${figures.compileMs} ms; per statement ${figures.matchedPerStatement} templates matched, ${figures.failuresPerStatement} failed`);
  console.log(line('checkStatement', figures.check));
  console.log(line('baseline: JSON.parse', figures.baselineJsonParse));
  console.log(line('baseline: statement validation', figures.baselineStatementValidation));
  console.log(line('advancePatterns (+ state JSON)', advance));
  console.log(`pattern state per registration (${states.size}): median ${figures.patterns.stateBytes.median} B, max ${figures.patterns.stateBytes.max} B; cmi5 (random sessions): max ${cmi5Largest} B`);
  const goals = [
    [`≥ 10,000 statements/s`, figures.check.perSecond >= 10_000],
    ['p99 < 0.5 ms', figures.check.p99 < 0.5],
    ['pattern state ≤ 1 KB', Math.max(figures.patterns.stateBytes.max, cmi5Largest) <= 1024],
  ];
  console.log(`goals: ${goals.map(([name, met]) => `${name} ${met ? 'met' : 'NOT met'}`).join('; ')}`);
  if (OUT) fs.writeFileSync(OUT, JSON.stringify(figures, null, 2));
}

main();
