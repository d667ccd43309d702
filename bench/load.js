'use strict';
/**
 * The HTTP ingest load, run as a child process of bench/run.js (forked, one job over IPC), so
 * building and sending bodies does not share the orchestrator's event loop. `connections`
 * workers, each on its own keep-alive socket, POST `batchSize` statements per request (fresh ids
 * every request, bodies spliced from a pool of pre-serialised statements, bench/statements.js)
 * one request after another. No new request starts once `requests` have been started or
 * `seconds` have passed; requests in flight are awaited (never cut off), so every statement
 * counted is stored and the LRS is idle when the result comes back.
 */
const http = require('node:http');
const { bodyFactory } = require('./statements');

process.once('message', (job) => {
  run(job).then(
    (result) => process.send({ ok: true, result }, () => process.exit(0)),
    (error) => process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1)),
  );
});

const now = () => performance.now();

async function run(job) {
  const url = new URL(job.url);
  const nextBody = bodyFactory(job.batchSize, job.poolSize ?? 5000, job.seed);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const latencies = [];
  const statusCounts = {};
  let errorSample;
  let started = 0;
  let ok = 0;
  const t0 = now();
  const deadline = job.seconds ? t0 + job.seconds * 1000 : Infinity;
  const limit = job.requests ?? Infinity;

  const post = (body) =>
    new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: url.hostname,
          port: url.port,
          path: job.path,
          method: 'POST',
          agent,
          headers: { ...job.headers, 'content-length': Buffer.byteLength(body) },
          timeout: 600_000,
        },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  const worker = async () => {
    while (started < limit && now() < deadline) {
      started++;
      const body = nextBody();
      const sent = now();
      const { status, text } = await post(body);
      const ms = now() - sent;
      statusCounts[status] = (statusCounts[status] ?? 0) + 1;
      if (status === 200) {
        ok++;
        latencies.push(ms);
      } else if (errorSample === undefined) {
        errorSample = `${status} ${text.slice(0, 500)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, worker));
  const seconds = (now() - t0) / 1000;
  agent.destroy();
  return { seconds, requests: started, ok, statements: ok * job.batchSize, statusCounts, errorSample, latencies };
}
