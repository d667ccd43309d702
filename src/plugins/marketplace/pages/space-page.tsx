import { DateTime } from 'luxon';
import { BarChart, Choice, Field, PostForm, TextArea, usePage } from '../../../plugin-api';
import type { RatingSummary, ReservationView, Space } from '../model';
import type { CalendarDay } from './calendar';
import { averageText, clockText, dateText, dayText, moneyText, timeText, verificationInForce } from './format';
import { DIMENSIONS, REPORT_CATEGORIES } from '../ratings';
import { marketplaceMessages } from './messages';
import { ClaimedFacts, Folded, LISTING_PATH, VerifiedFacts } from './parts';
import type { ReviewForPages } from './sources';

export interface SpaceView {
  space: Space;
  nowMs: number;
  /** Undefined while the owner published no plan. */
  calendar?: CalendarDay[];
  summary?: RatingSummary;
  reviews: ReviewForPages[];
  /** The viewer's attended reservations of this space (each may be rated). */
  attended: ReservationView[];
  csrf: string;
}

/** A space: details, verified facts apart from the owner's claims, free times, booking, ratings, rating and report forms. */
export function SpacePage({ view }: { view: SpaceView }) {
  const { space, nowMs } = view;
  const m = marketplaceMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.spaceLead}</p>
      <Details space={space} />
      <section aria-labelledby="verified">
        <h2 id="verified">{m.verifiedSection}</h2>
        <VerifiedFacts space={space} nowMs={nowMs} />
      </section>
      <section aria-labelledby="claims">
        <h2 id="claims">{m.claimsSection}</h2>
        <p>{m.claimsNote}</p>
        <ClaimedFacts space={space} />
      </section>
      <Calendar view={view} />
      {space.closed === true ? <p>{m.closedSpace}</p> : <BookingForm view={view} />}
      <Ratings view={view} />
      {view.attended.length > 0 && <RatingForm view={view} />}
      <ReportForm view={view} />
    </>
  );
}

function Details({ space }: { space: Space }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const { address } = space;
  const description = space.description?.[locale] ?? space.description?.en;
  return (
    <section aria-labelledby="details">
      <h2 id="details">{m.details}</h2>
      {description !== undefined && <p>{description}</p>}
      <dl>
        <dt>{m.address}</dt>
        <dd>{[address.street, address.postalCode, address.locality, address.region, address.country].filter(Boolean).join(', ')}</dd>
        <dt>{m.capacity}</dt>
        <dd>{m.people(space.capacity)}</dd>
        <dt>{m.hourlyRate}</dt>
        <dd>{moneyText(space.hourlyRate, locale)}</dd>
        <dt>{m.timeZone}</dt>
        <dd>{space.timeZone}</dd>
        <dt>{m.amenities}</dt>
        <dd>{space.amenities.length === 0 ? m.none : space.amenities.join(', ')}</dd>
      </dl>
    </section>
  );
}

function Calendar({ view: { space, calendar } }: { view: SpaceView }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  return (
    <section aria-labelledby="calendar">
      <h2 id="calendar">{m.calendar}</h2>
      {calendar === undefined ? (
        <p>{m.noAvailability}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>{m.calendarLead(calendar.length, space.timeZone)}</caption>
            <thead>
              <tr>
                <th scope="col">{m.day}</th>
                <th scope="col">{m.freeTimes}</th>
              </tr>
            </thead>
            <tbody>
              {calendar.map((day) => (
                <tr>
                  <th scope="row">{dayText(day.startMs, space.timeZone, locale)}</th>
                  <td>{day.free.length === 0 ? m.noFreeTime : day.free.map(({ startMs, endMs }) => `${clockText(startMs, space.timeZone, locale)}–${clockText(endMs, space.timeZone, locale)}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function BookingForm({ view: { space, nowMs, csrf } }: { view: SpaceView }) {
  const m = marketplaceMessages(usePage().locale);
  const certifications = verificationInForce(space, nowMs) ? space.verification!.certifications : [];
  // Midnight of the space's today: a minimum off the quarter hour would shift the steps browsers accept.
  const earliest = DateTime.fromMillis(nowMs, { zone: space.timeZone }).toFormat("yyyy-MM-dd'T'00:00");
  return (
    <section aria-labelledby="book">
      <h2 id="book">{m.book}</h2>
      <p>{m.bookLead}</p>
      <PostForm action={`${LISTING_PATH}/${space.id}/hold`} csrf={csrf} submit={m.hold}>
        <Field id="start" name="start" label={m.start} hint={m.timesHint(space.timeZone)} type="datetime-local" step={900} min={earliest} required />
        <Field id="end" name="end" label={m.end} type="datetime-local" step={900} min={earliest} required />
        <Field id="participants" name="participants" label={m.participants} type="number" min={1} max={space.capacity} value="1" required />
        {certifications.length > 0 && (
          <fieldset>
            <legend>{m.safetyRequirements}</legend>
            {certifications.map((certification) => (
              <Choice name="safetyRequirements" value={certification} label={certification} />
            ))}
          </fieldset>
        )}
      </PostForm>
    </section>
  );
}

function Ratings({ view: { summary, reviews } }: { view: SpaceView }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  return (
    <section aria-labelledby="ratings">
      <h2 id="ratings">{m.ratings}</h2>
      {summary === undefined || summary.count === 0 ? <p>{m.notRated}</p> : <Averages summary={summary} />}
      <h3>{m.reviews}</h3>
      {reviews.length === 0 ? (
        <p>{m.noReviews}</p>
      ) : (
        <ul>
          {reviews.map((review) => (
            <li>
              <p>
                {m.stars(review.overall)} · {m.reviewBy(review.raterName ?? m.someone, dateText(review.at, locale))}
              </p>
              {review.review !== undefined && <p>{review.review}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Averages({ summary }: { summary: RatingSummary }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const overall = summary.distribution.overall;
  const top = overall.indexOf(Math.max(...overall)) + 1;
  return (
    <>
      <p>{m.ratingOf(averageText(summary.overall ?? 0, locale), summary.count)}</p>
      <div class="table-scroll">
        <table>
          <caption>{m.averages}</caption>
          <thead>
            <tr>
              <th scope="col">{m.dimension}</th>
              <th scope="col" class="number">
                {m.average}
              </th>
            </tr>
          </thead>
          <tbody>
            {DIMENSIONS.map((dimension) => (
              <tr>
                <th scope="row">{m.dimensions[dimension]}</th>
                <td class="number">{summary[dimension] === null ? '—' : averageText(summary[dimension], locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <BarChart
        title={m.distributionTitle}
        description={m.distributionDescription(summary.count, top)}
        categoryHeader={m.score}
        valueHeader={m.ratingsCount}
        data={overall.map((count, index) => ({ label: m.stars(index + 1), value: count }))}
      />
    </>
  );
}

function RatingForm({ view: { space, attended, csrf } }: { view: SpaceView }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  return (
    <section aria-labelledby="rate">
      <h2 id="rate">{m.rate}</h2>
      <p>{m.rateLead}</p>
      <PostForm action={`${LISTING_PATH}/${space.id}/rate`} csrf={csrf} submit={m.sendRating}>
        <div class="field">
          <label for="reservationId">{m.reservationRated}</label>
          <select id="reservationId" name="reservationId" required>
            {attended.map((reservation) => (
              <option value={reservation.id}>{timeText(reservation.start, space.timeZone, locale)}</option>
            ))}
          </select>
        </div>
        {DIMENSIONS.map((dimension) => (
          <ScoreChoice dimension={dimension} />
        ))}
        <TextArea id="review" name="review" label={m.review} />
      </PostForm>
    </section>
  );
}

/** Five radio buttons for one aspect of a rating. */
function ScoreChoice({ dimension }: { dimension: (typeof DIMENSIONS)[number] }) {
  const m = marketplaceMessages(usePage().locale);
  return (
    <fieldset>
      <legend>{m.dimensions[dimension]}</legend>
      {[1, 2, 3, 4, 5].map((score) => (
        <Choice type="radio" name={dimension} value={String(score)} label={m.stars(score)} required />
      ))}
    </fieldset>
  );
}

function ReportForm({ view: { space, csrf } }: { view: SpaceView }) {
  const m = marketplaceMessages(usePage().locale);
  return (
    <section aria-labelledby="report">
      <h2 id="report">{m.report}</h2>
      <Folded summary={m.reportLead}>
        <PostForm action={`${LISTING_PATH}/${space.id}/report`} csrf={csrf} submit={m.sendReport}>
          <div class="field">
            <label for="category">{m.category}</label>
            <select id="category" name="category" required>
              {REPORT_CATEGORIES.map((category) => (
                <option value={category}>{m.categories[category]}</option>
              ))}
            </select>
          </div>
          <TextArea id="description" name="description" label={m.description} required />
        </PostForm>
      </Folded>
    </section>
  );
}
