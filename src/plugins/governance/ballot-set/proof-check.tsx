import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { defineMessages, usePage } from '../../../plugin-api';
import type { InclusionProof } from '.';

/** The check's script (verify-proof.js, beside this file; copied into dist with the other assets). */
const PROOF_SCRIPT = fs.readFileSync(path.join(__dirname, 'verify-proof.js'), 'utf8');
/** Where ballotSetAssets() serves it once mounted at the plugin's root: a page rendering InclusionProofCheck lists it in `scripts`. */
export const PROOF_SCRIPT_PATH = '/plugins/governance/assets/verify-proof.js';

/** GET /assets/verify-proof.js, public: mount at /plugins/governance. */
export function ballotSetAssets(): Router {
  return Router().get('/assets/verify-proof.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(PROOF_SCRIPT);
  });
}

export const proofMessages = defineMessages(
  {
    leaf: (position: string, size: string) => `Your counted vote is leaf ${position} of ${size} of the tree whose root the decision carries.`,
    root: 'Root',
    needsJavaScript: 'Checking the proof in your browser needs JavaScript. Anyone can also check it with the published ballot set (see "Recounting" in the governance documentation).',
    checking: 'Checking the proof…',
    verified: 'Verified: your vote is in the tree with this root.',
    mismatch: 'Does not match: this proof does not lead to this root.',
    failed: 'Cannot check the proof in this browser.',
    took: 'Checked in {ms} ms.',
  },
  {
    leaf: (position: string, size: string) => `Tu voto contado es la hoja ${position} de ${size} del árbol cuya raíz lleva la decisión.`,
    root: 'Raíz',
    needsJavaScript: 'Comprobar la prueba en tu navegador necesita JavaScript. Cualquiera puede comprobarla también con el conjunto de votos publicado (véase «Recuento» en la documentación de gobernanza).',
    checking: 'Comprobando la prueba…',
    verified: 'Verificado: tu voto está en el árbol con esta raíz.',
    mismatch: 'No coincide: esta prueba no lleva a esta raíz.',
    failed: 'No se puede comprobar la prueba en este navegador.',
    took: 'Comprobado en {ms} ms.',
  },
);

/**
 * A voter's inclusion proof, checked in the browser by verify-proof.js (the page lists
 * PROOF_SCRIPT_PATH in its scripts): the proof goes in as data, the verdict comes out in a live
 * region. `root` is the root to check against, the decision's (default: the proof's own).
 */
export function InclusionProofCheck({ proof, root = proof.root }: { proof: InclusionProof; root?: string }) {
  const { locale } = usePage();
  const m = proofMessages(locale);
  const number = new Intl.NumberFormat(locale);
  return (
    <div class="inclusion-proof">
      <p>{m.leaf(number.format(proof.leafIndex + 1), number.format(proof.treeSize))}</p>
      <p>
        {m.root}: <code class="hash">{root}</code>
      </p>
      <p
        role="status"
        aria-live="polite"
        data-inclusion-proof=""
        data-proof={JSON.stringify(proof)}
        data-root={root}
        data-checking={m.checking}
        data-verified={m.verified}
        data-mismatch={m.mismatch}
        data-failed={m.failed}
        data-took={m.took}
      >
        {m.needsJavaScript}
      </p>
    </div>
  );
}
