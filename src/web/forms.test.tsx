import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { BadRequestError, ConflictError } from '../errors';
import { errorHandler } from '../http/error-handler';
import { formStep } from './forms';
import { webErrorHandler, webPage } from '.';

/** A page whose form steps succeed, are refused (with or without an explanation) or fail, as the query says. */
function formsApp() {
  const app = express();
  app.use(webPage());
  app.post('/items/:id/step', (req, res, next) =>
    formStep(res, {
      run: async () => {
        if (req.query.outcome === 'next') return '/items/next';
        if (req.query.outcome === 'refused') throw new ConflictError('ITEM_CLOSED', 'Item 7 is closed');
        if (req.query.outcome === 'unexplained') throw new BadRequestError('SOMETHING_ELSE', 'The name is too long');
        if (req.query.outcome === 'bug') throw new Error('a bug');
        return undefined;
      },
      from: () => {
        if (req.params.id === 'bad') throw new BadRequestError('INVALID_PARAMETER', 'bad id');
        return `/items/${req.params.id}`;
      },
      fallback: '/items',
      explain: (code, locale) => (code === 'ITEM_CLOSED' ? (locale === 'es' ? 'El elemento está cerrado.' : 'The item is closed.') : undefined),
    }).catch(next),
  );
  app.use(webErrorHandler(pino({ level: 'silent' })));
  app.use(errorHandler(pino({ level: 'silent' })));
  return app;
}

describe("a form's step (formStep)", () => {
  const app = formsApp();

  it('goes on with 303 to the page the step names, or back to the form', async () => {
    expect((await request(app).post('/items/7/step?outcome=next')).headers.location).toBe('/items/next');
    const back = await request(app).post('/items/7/step');
    expect([back.status, back.headers.location]).toEqual([303, '/items/7']);
  });

  it("explains a refusal in the page's language, with the service's words and the way back, keeping its status", async () => {
    const refused = await request(app).post('/items/7/step?outcome=refused').set('Accept-Language', 'es');
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('<title>No se pudo hacer');
    expect(refused.text).toContain('<p class="lead">El elemento está cerrado.</p>');
    expect(refused.text).toContain('Detalles: Item 7 is closed');
    expect(refused.text).toContain('<a href="/items/7">Volver al formulario</a>');
  });

  it('gives the generic explanation for a code the plugin does not explain, and the fallback when the form\'s own address is wrong', async () => {
    const refused = await request(app).post('/items/bad/step?outcome=unexplained');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('<p class="lead">Nothing was changed. Check the form and try again.</p>');
    expect(refused.text).toContain('<a href="/items">Back to the form</a>');
  });

  it('leaves a failure that is not a refusal to the error handler (a 5xx is a bug, not a form problem)', async () => {
    const failed = await request(app).post('/items/7/step?outcome=bug');
    expect(failed.status).toBe(500);
    expect(failed.text).not.toContain('Back to the form');
  });
});
