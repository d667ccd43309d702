import { DateTime } from 'luxon';
import { Field, PostForm, usePage, type Locale } from '../../../plugin-api';
import type { ReservationView, Space } from '../model';
import { moneyText, spaceName, timeText } from './format';
import { marketplaceMessages } from './messages';
import { BOOKINGS_PATH, Folded, LISTING_PATH, SEARCH_PATH } from './parts';

/** A reservation with its space (undefined when the space is no longer known). */
export interface Booking {
  reservation: ReservationView;
  space?: Space;
}

/** The person's reservations, newest first, each linking to its page. */
export function BookingsPage({ bookings }: { bookings: Booking[] }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  return (
    <>
      <p class="lead">{m.bookingsLead}</p>
      {bookings.length === 0 ? (
        <p>
          {m.noBookings} <a href={SEARCH_PATH}>{m.findSpace}</a>
        </p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{m.bookingsTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{m.space}</th>
                <th scope="col">{m.when}</th>
                <th scope="col">{m.state}</th>
                <th scope="col" class="number">
                  {m.cost}
                </th>
              </tr>
            </thead>
            <tbody>
              {bookings.map(({ reservation, space }) => (
                <tr>
                  <th scope="row">
                    <a href={`${BOOKINGS_PATH}/${reservation.id}`}>{space === undefined ? reservation.spaceId : spaceName(space, locale)}</a>
                  </th>
                  <td>{whenText(reservation, space, locale)}</td>
                  <td>{m.states[reservation.state]}</td>
                  <td class="number">{moneyText(reservation.price, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** One reservation: where, when, its cost (rate × duration) and the forms of its next steps. */
export function ReservationPage({ booking: { reservation, space }, csrf }: { booking: Booking; csrf: string }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const zone = space?.timeZone ?? 'UTC';
  const hours = (Date.parse(reservation.end) - Date.parse(reservation.start)) / 3_600_000;
  const rate = space === undefined ? undefined : moneyText(space.hourlyRate, locale);
  const cancellable = ['held', 'confirmed'].includes(reservation.state);
  return (
    <>
      <dl>
        <dt>{m.space}</dt>
        <dd>{space === undefined ? reservation.spaceId : <a href={`${LISTING_PATH}/${space.id}`}>{spaceName(space, locale)}</a>}</dd>
        <dt>{m.when}</dt>
        <dd>{whenText(reservation, space, locale)}</dd>
        <dt>{m.participants}</dt>
        <dd>{reservation.participants}</dd>
        <dt>{m.state}</dt>
        <dd>{m.states[reservation.state]}</dd>
        <dt>{m.cost}</dt>
        <dd>
          {rate === undefined ? moneyText(reservation.price, locale) : m.costLine(moneyText(reservation.price, locale), hours.toLocaleString(locale, { maximumFractionDigits: 2 }), rate)}
          {'. '}
          {reservation.state === 'held' ? m.costEstimate : m.costFixed}
        </dd>
      </dl>
      {reservation.state === 'held' && reservation.holdExpiresAt !== undefined && <p>{m.heldUntil(timeText(reservation.holdExpiresAt, zone, locale))}</p>}
      {reservation.state === 'held' && <PostForm action={`${BOOKINGS_PATH}/${reservation.id}/confirm`} csrf={csrf} submit={m.confirm} />}
      {reservation.state === 'confirmed' && space !== undefined && <ModifyForm reservation={reservation} space={space} csrf={csrf} />}
      {cancellable && (
        <PostForm action={`${BOOKINGS_PATH}/${reservation.id}/cancel`} csrf={csrf} submit={m.cancel} secondary>
          <Field id="cancel-reason" name="reason" label={m.cancelReason} maxLength={2000} />
        </PostForm>
      )}
    </>
  );
}

/** New times for a confirmed reservation, prefilled with its own in the space's local time. */
function ModifyForm({ reservation, space, csrf }: { reservation: ReservationView; space: Space; csrf: string }) {
  const m = marketplaceMessages(usePage().locale);
  const local = (instant: string) => DateTime.fromISO(instant, { zone: space.timeZone }).toFormat("yyyy-MM-dd'T'HH:mm");
  return (
    <Folded summary={m.modify}>
      <PostForm action={`${BOOKINGS_PATH}/${reservation.id}/modify`} csrf={csrf} submit={m.modifySubmit}>
        <p>{m.modifyLead}</p>
        <Field id="modify-start" name="start" label={m.start} hint={m.timesHint(space.timeZone)} type="datetime-local" step={900} value={local(reservation.start)} required />
        <Field id="modify-end" name="end" label={m.end} type="datetime-local" step={900} value={local(reservation.end)} required />
      </PostForm>
    </Folded>
  );
}

/** A reservation's start and end in its space's local time, with the zone. */
export function whenText(reservation: ReservationView, space: Space | undefined, locale: Locale): string {
  const zone = space?.timeZone ?? 'UTC';
  const m = marketplaceMessages(locale);
  return `${m.timesOf(timeText(reservation.start, zone, locale), timeText(reservation.end, zone, locale))} (${zone})`;
}
