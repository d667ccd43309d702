import type { ComponentChildren } from 'preact';
import { CsrfField, usePage } from '../../../plugin-api';
import type { RatingRecord } from '../model';
import { APPEAL_GROUNDS } from '../appeals/records';
import { reputationMessages } from './messages';
import { ScoreSection, timeText, type ScoreFigures } from './score-section';
import type { AppealView, ReplyView } from '../appeals';

export const RATINGS_PATH = '/plugins/reputation/ratings';
export const PERSON_PAGES_PATH = '/plugins/reputation/people';

export interface MyReputation {
  figures: ScoreFigures;
  received: { ratings: Array<{ id: string; rating: RatingRecord }>; next?: string };
  given: { ratings: Array<{ id: string; rating: RatingRecord; sealed: boolean }>; next?: string };
  replies: Map<string, ReplyView[]>;
  /** The people the ratings given are about, by agent key, for those linked to a person (their pages are linked). */
  personIds: Map<string, string>;
  /** Appeals with the rating each is about (undefined when the ledger no longer has it). */
  appeals: Array<{ appeal: AppealView; rating?: RatingRecord }>;
  /** The cursors this page was read from (kept in the links to older ratings). */
  cursors: { received?: string; given?: string };
  csrfToken: string;
}

/** The signed-in person's reputation: their figures, ratings received (with replies and forms), given, and appeals. */
export function MyReputationPage({ reputation }: { reputation: MyReputation }) {
  const m = reputationMessages(usePage().locale);
  return (
    <>
      <p class="lead">{m.myLead}</p>
      <ScoreSection figures={reputation.figures} />
      <Received reputation={reputation} />
      <Given reputation={reputation} />
      <Appeals appeals={reputation.appeals} />
    </>
  );
}

function Received({ reputation }: { reputation: MyReputation }) {
  const { locale } = usePage();
  const m = reputationMessages(locale);
  const { ratings, next } = reputation.received;
  return (
    <section aria-labelledby="reputation-received">
      <h2 id="reputation-received">{m.received}</h2>
      {ratings.length === 0 && <p>{m.noReceived}</p>}
      {ratings.map(({ id, rating }) => (
        <article id={`rating-${id}`} aria-labelledby={`rating-${id}-title`}>
          <h3 id={`rating-${id}-title`}>{m.rated(rating.score)}</h3>
          <p>
            {m.session}: {rating.session} · {m.date}: {timeText(rating.storedSec, locale)}
            {rating.state !== 'counted' && ` · ${m.states[rating.state]}`}
          </p>
          <p>{rating.comment ?? m.noComment}</p>
          <Replies replies={reputation.replies.get(id) ?? []} />
          <ReplyForm ratingId={id} csrfToken={reputation.csrfToken} />
          <AppealForm ratingId={id} csrfToken={reputation.csrfToken} />
        </article>
      ))}
      <PageLinks next={next} parameter="received" cursors={reputation.cursors} />
    </section>
  );
}

function Replies({ replies }: { replies: ReplyView[] }) {
  const { locale } = usePage();
  const m = reputationMessages(locale);
  if (replies.length === 0) return null;
  return (
    <>
      <h4>{m.replies}</h4>
      <ul>
        {replies.map((reply) => (
          <li>
            {reply.text} ({timeText(reply.at, locale)})
          </li>
        ))}
      </ul>
    </>
  );
}

function ReplyForm({ ratingId, csrfToken }: { ratingId: string; csrfToken: string }) {
  const m = reputationMessages(usePage().locale);
  return (
    <RatingForm action={`${RATINGS_PATH}/${ratingId}/replies`} summary={m.reply} submit={m.sendReply} csrfToken={csrfToken}>
      <div class="field">
        <label for={`reply-${ratingId}`}>{m.replyText}</label>
        <textarea id={`reply-${ratingId}`} name="text" required maxLength={2000} rows={3} />
      </div>
    </RatingForm>
  );
}

function AppealForm({ ratingId, csrfToken }: { ratingId: string; csrfToken: string }) {
  const m = reputationMessages(usePage().locale);
  return (
    <RatingForm action={`${RATINGS_PATH}/${ratingId}/appeals`} summary={m.appeal} submit={m.sendAppeal} csrfToken={csrfToken}>
      <div class="field">
        <label for={`grounds-${ratingId}`}>{m.grounds}</label>
        <select id={`grounds-${ratingId}`} name="grounds" required>
          {APPEAL_GROUNDS.map((ground) => (
            <option value={ground}>{m.groundsOf[ground]}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for={`reason-${ratingId}`}>{m.reason}</label>
        <textarea id={`reason-${ratingId}`} name="reason" required maxLength={2000} rows={4} />
      </div>
    </RatingForm>
  );
}

/** A form about one rating, folded under its summary until opened (no JavaScript needed). */
function RatingForm({ action, summary, submit, csrfToken, children }: { action: string; summary: string; submit: string; csrfToken: string; children: ComponentChildren }) {
  return (
    <details>
      <summary>{summary}</summary>
      <form method="post" action={action}>
        <CsrfField token={csrfToken} />
        {children}
        <button type="submit">{submit}</button>
      </form>
    </details>
  );
}

function Given({ reputation }: { reputation: MyReputation }) {
  const { locale } = usePage();
  const m = reputationMessages(locale);
  const { ratings, next } = reputation.given;
  return (
    <section aria-labelledby="reputation-given">
      <h2 id="reputation-given">{m.given}</h2>
      {ratings.length === 0 ? (
        <p>{m.noGiven}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption class="visually-hidden">{m.given}</caption>
            <thead>
              <tr>
                <th scope="col">{m.person}</th>
                <th scope="col" class="number">
                  {m.score}
                </th>
                <th scope="col">{m.session}</th>
                <th scope="col">{m.date}</th>
                <th scope="col">{m.status}</th>
              </tr>
            </thead>
            <tbody>
              {ratings.map(({ rating, sealed }) => (
                <tr>
                  <th scope="row">
                    <PersonName name={rating.rateeName ?? rating.ratee} personId={reputation.personIds.get(rating.ratee)} />
                  </th>
                  <td class="number">{rating.score}</td>
                  <td>{rating.session}</td>
                  <td>{timeText(rating.storedSec, locale)}</td>
                  <td>{sealed && rating.revealAtSec !== undefined ? m.sealedUntil(timeText(rating.revealAtSec, locale)) : m.states[rating.state]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PageLinks next={next} parameter="given" cursors={reputation.cursors} />
    </section>
  );
}

function PersonName({ name, personId }: { name: string; personId: string | undefined }) {
  return personId === undefined ? <>{name}</> : <a href={`${PERSON_PAGES_PATH}/${personId}`}>{name}</a>;
}

function Appeals({ appeals }: { appeals: MyReputation['appeals'] }) {
  const { locale } = usePage();
  const m = reputationMessages(locale);
  return (
    <section aria-labelledby="reputation-appeals">
      <h2 id="reputation-appeals">{m.appeals}</h2>
      {appeals.length === 0 && <p>{m.noAppeals}</p>}
      {appeals.map(({ appeal, rating }) => (
        <article aria-labelledby={`appeal-${appeal.id}`}>
          <h3 id={`appeal-${appeal.id}`}>{rating ? m.appealAbout(rating.score, rating.session) : m.appeal}</h3>
          <p>
            {m.appealOf(groundsText(appeal.grounds, m.groundsOf))}
            {` — ${appeal.reason}`}
          </p>
          <ol>
            <li>{m.filed(timeText(appeal.filed, locale))}</li>
            {appeal.steps.map((step) => (
              <li>
                {m.steps[step.state]} ({timeText(step.at, locale)}){step.reason !== undefined && `. ${m.moderatorReason(step.reason)}`}
              </li>
            ))}
          </ol>
        </article>
      ))}
    </section>
  );
}

function groundsText(grounds: string, labels: Record<string, string>): string {
  return Object.hasOwn(labels, grounds) ? labels[grounds]! : grounds;
}

/** Links to the next page of one list and back to its newest, keeping the other list where it was. */
function PageLinks({ next, parameter, cursors }: { next?: string; parameter: 'received' | 'given'; cursors: MyReputation['cursors'] }) {
  const m = reputationMessages(usePage().locale);
  const href = (cursor: string | undefined) => {
    const query = Object.entries({ ...cursors, [parameter]: cursor }).filter((entry): entry is [string, string] => entry[1] !== undefined);
    return `?${new URLSearchParams(query)}#reputation-${parameter}`;
  };
  if (next === undefined && cursors[parameter] === undefined) return null;
  return (
    <p>
      {cursors[parameter] !== undefined && <a href={href(undefined)}>{m.newest}</a>} {next !== undefined && <a href={href(next)}>{m.older}</a>}
    </p>
  );
}
