import type { RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one app instance, in a registry of its own (no global state). */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Histogram({
    name: 'keiko_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly statementsStored = new Counter({
    name: 'keiko_statements_stored_total',
    help: 'Statements stored (acknowledged) since start',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times every request; the route label is the matched route pattern, never the raw URL. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const end = this.requests.startTimer();
      res.on('finish', () => {
        const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
        end({ method: req.method, route, status: String(res.statusCode) });
      });
      next();
    };
  }
}
