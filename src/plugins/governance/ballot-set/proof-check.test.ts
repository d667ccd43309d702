import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { verifyInclusion } from '.';
import { PROOF_SCRIPT_PATH } from './proof-check';
import { proofOfTree, proofPageApp, VOTER } from './proof-page.contract';

/**
 * The page side of the in-browser check, without a browser (proof-check.browser.test.tsx runs it in
 * Chromium): the proof goes into the page as data, never as script, and the script is served from
 * this origin, as the page's CSP (script-src 'self') requires.
 */
const proof = proofOfTree();
const app = proofPageApp(proof);

function attribute(html: string, name: string): string {
  const value = new RegExp(`${name}="([^"]*)"`).exec(html)?.[1];
  if (value === undefined) throw new Error(`no ${name} in the page`);
  return value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('the inclusion proof check in a page', () => {
  it('carries the proof as data (exactly the proof, which verifies) and the root to check against, with no inline script', async () => {
    expect(verifyInclusion(proof)).toBe(true);
    const page = await request(app).get('/proof/none').expect(200);
    expect(JSON.parse(attribute(page.text, 'data-proof'))).toEqual(proof);
    expect(attribute(page.text, 'data-root')).toBe(proof.root);
    expect(page.text).toContain(`<script type="module" src="${PROOF_SCRIPT_PATH}"></script>`);
    expect(page.text.match(/<script\b[^>]*>/g)).toEqual([`<script type="module" src="${PROOF_SCRIPT_PATH}">`]);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.text).toContain(`Your counted vote is leaf ${(VOTER + 1).toLocaleString('en')} of 100,001`);
    expect(page.text).toContain('Checking the proof in your browser needs JavaScript.');
  });

  it('speaks Spanish in the page and in the messages the script shows', async () => {
    const page = await request(app).get('/proof/none?lang=es').expect(200);
    expect(page.text).toContain('Tu voto contado es la hoja 31.338 de 100.001');
    expect(attribute(page.text, 'data-verified')).toBe('Verificado: tu voto está en el árbol con esta raíz.');
    expect(attribute(page.text, 'data-mismatch')).toBe('No coincide: esta prueba no lleva a esta raíz.');
    expect(attribute(page.text, 'data-took')).toBe('Comprobado en {ms} ms.');
  });

  it('serves the script at PROOF_SCRIPT_PATH as JavaScript, the file beside the component', async () => {
    const script = await request(app).get(PROOF_SCRIPT_PATH).expect(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.text).toBe(fs.readFileSync(path.join(__dirname, 'verify-proof.js'), 'utf8'));
  });
});
