/**
 * Helpers of the pages' HTTP tests: a page's text as a reader sees it, and a form submitted as a
 * signed-in party with the CSRF token of the page it is on. Named `.contract.ts` so that the
 * build, the import graph and jest leave it out.
 */
import type request from 'supertest';
import { csrfFieldOf } from '../../../../test-support/people';
import type { MarketplaceParty } from '../../../../test-support/marketplace';

/** The page's text without tags, entities decoded, every run of spaces (Intl's no-break ones too) one space. */
export function pageText(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');
}

/** Opens `page` as the signed-in party, then posts `form` to `action` with that page's CSRF token. */
export async function submitForm(party: MarketplaceParty, page: string, action: string, form: Record<string, string | string[]>): Promise<request.Response> {
  const token = csrfFieldOf((await party.browser!.get(page).expect(200)).text);
  return party.browser!.post(action).type('form').send({ _csrf: token, ...form });
}
