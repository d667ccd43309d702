// The public share page's script (served as /plugins/passport/share-page.js, an ES module under
// script-src 'self'): fetches this share's signed presentation from the same URL as JSON, verifies
// it in the browser with the passport's verifier bundle, and says valid / revoked / expired /
// cannot confirm. Anything that goes wrong is "cannot confirm": never "valid" by default.
const status = document.getElementById('share-verification');

function show(result) {
  status.textContent = status.dataset[result] ?? status.dataset.cannotConfirm;
  status.dataset.result = result;
}

async function verify() {
  show('checking');
  const { verifyShare } = await import(status.dataset.verifier);
  const response = await fetch(window.location.pathname, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  // A share revoked or expired since the page was sent: the server says which (never "valid").
  if (!response.ok) return { SHARE_REVOKED: 'revoked', SHARE_EXPIRED: 'expired' }[(await response.json()).code] ?? 'cannotConfirm';
  const verification = await verifyShare(await response.json(), { publicUrl: status.dataset.publicUrl });
  return { valid: 'valid', revoked: 'revoked', expired: 'expired' }[verification.result] ?? 'cannotConfirm';
}

if (status !== null) {
  verify().then(show, () => show('cannotConfirm'));
}
