'use strict';
/**
 * The HTTP load generator, run as a child process of bench/run.js (child_process.fork) so that
 * autocannon and body building do not share the LRS's event loop. Receives one job over IPC,
 * runs autocannon's programmatic API with a fresh body (new statement ids) for every request,
 * records every response time and sends back a summary.
 */
const autocannon = require('autocannon');
const { bodyFactory } = require('./statements');

process.once('message', (job) => {
  run(job).then(
    (result) => process.send({ ok: true, result }, () => process.exit(0)),
    (error) => process.send({ ok: false, error: String(error?.stack ?? error) }, () => process.exit(1)),
  );
});

function run(job) {
  const nextBody = bodyFactory(job.batchSize);
  const latencies = [];
  const statusCounts = {};
  let errorSample;
  let started = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: job.seconds,
        timeout: 60,
        requests: [
          {
            method: 'POST',
            path: job.path,
            headers: job.headers,
            setupRequest: (request) => ({ ...request, body: nextBody() }),
            onResponse: (status, body) => {
              if ((status < 200 || status > 299) && errorSample === undefined) errorSample = `${status} ${String(body).slice(0, 500)}`;
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const elapsedSec = (Date.now() - started) / 1000;
        resolve({
          elapsedSec,
          durationSec: result.duration,
          ok: statusCounts[200] ?? 0,
          statusCounts,
          errors: result.errors,
          timeouts: result.timeouts,
          errorSample,
          latencies,
        });
      },
    );
    instance.on('start', () => {
      started = Date.now();
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode === 200) latencies.push(responseTime);
    });
  });
}
