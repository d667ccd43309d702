import { Choice, Field, PostForm, usePage } from '../../../plugin-api';
import type { AvailabilityPlan, ReservationView, Space, WeeklyRule } from '../model';
import { whenText } from './bookings-page';
import { moneyText, spaceName, verificationInForce } from './format';
import { marketplaceMessages, WEEKDAYS } from './messages';
import { Folded, HOSTING_PATH, LISTING_PATH, SLUG_EXAMPLES } from './parts';

/** Openings (rows of weekdays, opening and closing time) the availability form offers. */
export const OPENING_ROWS = 3;

export interface HostingView {
  spaces: Array<{ space: Space; upcoming: ReservationView[] }>;
  nowMs: number;
  csrf: string;
}

/** The owner's page: each space with its verification, plan, availability form and upcoming reservations; the register form. */
export function HostingPage({ view }: { view: HostingView }) {
  const m = marketplaceMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.hostingLead}</p>
      <section aria-labelledby="your-spaces">
        <h2 id="your-spaces">{m.yourSpaces}</h2>
        {view.spaces.length === 0 && <p>{m.noSpaces}</p>}
        {view.spaces.map(({ space, upcoming }) => (
          <HostedSpace space={space} upcoming={upcoming} nowMs={view.nowMs} csrf={view.csrf} />
        ))}
      </section>
      <RegisterForm csrf={view.csrf} />
    </>
  );
}

function HostedSpace({ space, upcoming, nowMs, csrf }: { space: Space; upcoming: ReservationView[]; nowMs: number; csrf: string }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const id = `space-${space.id}`;
  return (
    <article aria-labelledby={id}>
      <h3 id={id}>
        <a href={`${LISTING_PATH}/${space.id}`}>{spaceName(space, locale)}</a>
      </h3>
      <p>
        {verificationInForce(space, nowMs) ? m.verified : m.notVerified} · {m.people(space.capacity)} · {m.perHour(moneyText(space.hourlyRate, locale))}
      </p>
      <h4>{m.availability}</h4>
      <Plan plan={space.availability} />
      <Folded summary={m.publish}>
        <AvailabilityForm space={space} csrf={csrf} />
      </Folded>
      <h4>{m.upcoming}</h4>
      {upcoming.length === 0 ? (
        <p>{m.noUpcoming}</p>
      ) : (
        <ul>
          {upcoming.map((reservation) => (
            <UpcomingReservation reservation={reservation} space={space} csrf={csrf} />
          ))}
        </ul>
      )}
    </article>
  );
}

function Plan({ plan }: { plan: AvailabilityPlan | undefined }) {
  const m = marketplaceMessages(usePage().locale);
  if (plan === undefined) return <p>{m.noPlan}</p>;
  return (
    <ul aria-label={m.currentPlan}>
      {plan.weekly.map((rule) => (
        <li>{ruleText(rule, m)}</li>
      ))}
    </ul>
  );
}

/** "Monday, Tuesday 09:00–12:00" for a rule the form made; the rule itself for any other. */
function ruleText(rule: WeeklyRule, m: ReturnType<typeof marketplaceMessages>): string {
  const days = /^FREQ=WEEKLY;BYDAY=([A-Z,]+)$/.exec(rule.rrule)?.[1]?.split(',');
  const [hours, minutes] = rule.start.split(':').map(Number) as [number, number];
  const endMinutes = (hours * 60 + minutes + rule.durationMinutes) % 1440;
  const closes = `${String(Math.floor(endMinutes / 60)).padStart(2, '0')}:${String(endMinutes % 60).padStart(2, '0')}`;
  const named = days?.every((day) => (WEEKDAYS as readonly string[]).includes(day)) ? days.map((day) => m.weekdays[day as (typeof WEEKDAYS)[number]]).join(', ') : rule.rrule;
  return `${named} ${rule.start}–${closes}`;
}

function AvailabilityForm({ space, csrf }: { space: Space; csrf: string }) {
  const m = marketplaceMessages(usePage().locale);
  const prefix = `plan-${space.id}`;
  return (
    <PostForm action={`${HOSTING_PATH}/spaces/${space.id}/availability`} csrf={csrf} submit={m.publish}>
      <p>{m.availabilityLead(space.timeZone)}</p>
      {Array.from({ length: OPENING_ROWS }, (_, row) => (
        <fieldset>
          <legend>{m.ruleLegend(row + 1)}</legend>
          {WEEKDAYS.map((day) => (
            <Choice name={`days${row}`} value={day} label={m.weekdays[day]} />
          ))}
          <Field id={`${prefix}-${row}-opens`} name={`opens${row}`} label={m.opens} type="time" step={900} />
          <Field id={`${prefix}-${row}-closes`} name={`closes${row}`} label={m.closes} type="time" step={900} />
        </fieldset>
      ))}
    </PostForm>
  );
}

function UpcomingReservation({ reservation, space, csrf }: { reservation: ReservationView; space: Space; csrf: string }) {
  const { locale } = usePage();
  const m = marketplaceMessages(locale);
  const live = ['held', 'confirmed'].includes(reservation.state);
  return (
    <li>
      <p>
        {whenText(reservation, space, locale)} · {m.bookedBy}: {reservation.booker.name ?? reservation.bookerKey} · {m.people(reservation.participants)} · {m.states[reservation.state]}
      </p>
      {reservation.state === 'confirmed' && <PostForm action={`${HOSTING_PATH}/reservations/${reservation.id}/attended`} csrf={csrf} submit={m.markAttended} />}
      {live && (
        <Folded summary={m.reject}>
          <PostForm action={`${HOSTING_PATH}/reservations/${reservation.id}/reject`} csrf={csrf} submit={m.reject} secondary>
            <Field id={`reject-${reservation.id}`} name="reason" label={m.rejectReason} required maxLength={2000} />
          </PostForm>
        </Folded>
      )}
    </li>
  );
}

function RegisterForm({ csrf }: { csrf: string }) {
  const m = marketplaceMessages(usePage().locale);
  return (
    <section aria-labelledby="register">
      <h2 id="register">{m.register}</h2>
      <p>{m.registerLead}</p>
      <PostForm action={`${HOSTING_PATH}/spaces`} csrf={csrf} submit={m.registerSubmit}>
        <Field id="name" name="name" label={m.name} required maxLength={200} />
        <Field id="description" name="description" label={m.description} maxLength={2000} />
        <fieldset>
          <legend>{m.address}</legend>
          <Field id="street" name="street" label={m.street} required maxLength={200} />
          <Field id="locality" name="locality" label={m.locality} required maxLength={200} />
          <Field id="region" name="region" label={m.region} maxLength={200} />
          <Field id="postalCode" name="postalCode" label={m.postalCode} maxLength={20} />
          <Field id="country" name="country" label={m.country} required maxLength={2} />
          <Field id="latitude" name="latitude" label={m.latitude} required inputMode="decimal" />
          <Field id="longitude" name="longitude" label={m.longitude} required inputMode="decimal" />
        </fieldset>
        <Field id="capacity" name="capacity" label={m.capacity} type="number" min={1} required />
        <Field id="amenities" name="amenities" label={m.amenities} hint={m.slugsHint(SLUG_EXAMPLES.amenities)} />
        <Field id="claimedCertifications" name="claimedCertifications" label={m.claimedCertifications} hint={m.slugsHint(SLUG_EXAMPLES.certifications)} />
        <Field id="claimedAccessibilityFeatures" name="claimedAccessibilityFeatures" label={m.claimedFeatures} hint={m.slugsHint(SLUG_EXAMPLES.features)} />
        <Field id="rate" name="rate" label={m.rateInput} required inputMode="decimal" />
        <Field id="currency" name="currency" label={m.currency} value="EUR" required maxLength={3} />
        <Field id="timeZone" name="timeZone" label={m.timeZone} hint={m.zoneHint} value="Europe/Madrid" required />
      </PostForm>
    </section>
  );
}
