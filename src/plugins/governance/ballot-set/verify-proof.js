// The inclusion proof check (served as /plugins/governance/assets/verify-proof.js, an ES module under
// script-src 'self'). For each element with data-inclusion-proof (InclusionProofCheck, proof-check.tsx):
// re-encodes the ballot leaf (RFC 8785 JSON, UTF-8), hashes it and its audit path with crypto.subtle the
// way RFC 6962 / RFC 9162 §2.1.3.2 say (leaf 0x00, node 0x01), and says whether that gives the published
// root, with the time it took. Anything that goes wrong is "cannot check": never "verified" by default.
const encoder = new TextEncoder();

/** RFC 8785 for the values a leaf holds: keys in code unit order, strings and numbers as JSON.stringify writes them. */
function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function ballotLeafBytes({ proposalId, voter, statementId, response, abstained, via }) {
  return encoder.encode(canonicalJson({ proposalId, voter, statementId, response, abstained, via }));
}

async function sha256(prefix, ...parts) {
  const bytes = new Uint8Array(1 + parts.reduce((length, part) => length + part.length, 0));
  bytes[0] = prefix;
  let offset = 1;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

const HASH = /^[0-9a-f]{64}$/;

function fromHex(hex) {
  return Uint8Array.from(hex.match(/../g), (pair) => parseInt(pair, 16));
}

function toHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The root the proof's leaf and path lead to (RFC 9162 §2.1.3.2), undefined when they cannot lead to any. */
async function rootOf({ leaf, leafIndex, treeSize, path }) {
  // The last leaf is the decision's: a ballot never sits there.
  if (!Number.isSafeInteger(leafIndex) || !Number.isSafeInteger(treeSize) || leafIndex < 0 || leafIndex >= treeSize - 1) return undefined;
  if (!Array.isArray(path) || !path.every((hash) => HASH.test(hash))) return undefined;
  let position = leafIndex;
  let last = treeSize - 1;
  let hash = await sha256(0x00, ballotLeafBytes(leaf));
  for (const sibling of path.map(fromHex)) {
    if (last === 0) return undefined;
    if (position % 2 === 1 || position === last) {
      hash = await sha256(0x01, sibling, hash);
      while (position % 2 === 0 && position !== 0) {
        position = Math.floor(position / 2);
        last = Math.floor(last / 2);
      }
    } else {
      hash = await sha256(0x01, hash, sibling);
    }
    position = Math.floor(position / 2);
    last = Math.floor(last / 2);
  }
  return last === 0 ? toHex(hash) : undefined;
}

function show(element, result, milliseconds) {
  const verdict = element.dataset[result] ?? element.dataset.failed;
  const took = milliseconds === undefined ? '' : ` ${element.dataset.took.replace('{ms}', milliseconds.toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 }))}`;
  element.textContent = `${verdict}${took}`;
  element.dataset.result = result;
}

async function check(element) {
  show(element, 'checking');
  const started = performance.now();
  const proof = JSON.parse(element.dataset.proof);
  const root = await rootOf(proof);
  const milliseconds = performance.now() - started;
  element.dataset.milliseconds = String(milliseconds);
  show(element, root !== undefined && root === element.dataset.root ? 'verified' : 'mismatch', milliseconds);
}

for (const element of document.querySelectorAll('[data-inclusion-proof]')) {
  check(element).catch(() => show(element, 'failed'));
}
