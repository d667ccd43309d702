/**
 * The spaces feature as the marketplace plugin wires it, with every plugin loaded (PLUGINS=all):
 * test-support/marketplace.ts's helpers work on it, and what they make is searchable.
 */
import { MarketplaceTestLrs } from '../../../../test-support/marketplace';

let lrs: MarketplaceTestLrs;

beforeAll(async () => {
  lrs = await MarketplaceTestLrs.start();
});
afterAll(() => lrs.close());

it('registers, publishes and verifies a space through the helpers; a child-safe search over the plugin finds it, for a credential and a signed-in person', async () => {
  const space = await lrs.bookableSpace({ address: { street: 'Calle de la Luna 14', locality: 'Madrid', country: 'ES', latitude: -33.1, longitude: 151.1 } });
  expect(space).toMatchObject({ verified: { childSafe: true }, availability: { timeZone: 'Europe/Madrid' } });
  const query = '/spaces?near=-33.1,151.1&childSafe=true&features=step-free-access';
  const booker = await lrs.booker();
  const byCredential = await lrs.call(booker, 'get', query);
  expect(byCredential.body.results.map((result: { space: { id: string } }) => result.space.id)).toEqual([space.id]);
  const person = await lrs.person();
  const byPerson = await lrs.call(person, 'get', query);
  expect([byPerson.status, byPerson.body.results.length]).toEqual([200, 1]);
});
