import { CsrfField, PostForm, ScrollTable, usePage } from '../../../plugin-api';
import { federationConsoleMessages } from './messages';
import { consoleStatementPath, DEAD_LETTERS_PATH, FEDERATION_CONSOLE_PATH, formatNumber, Time } from './parts';
import type { DeadLetterRow, ReplayAllOutcome } from './views';

export const replayPath = (id: string) => `${DEAD_LETTERS_PATH}/${encodeURIComponent(id)}/replay`;
export const REPLAY_ALL_PATH = `${DEAD_LETTERS_PATH}/replay`;
const peerLettersPath = (peer: string) => `${DEAD_LETTERS_PATH}?peer=${encodeURIComponent(peer)}`;

export interface DeadLettersView {
  /** The letters waiting, newest parked first. */
  letters: DeadLetterRow[];
  /** Whether more letters are waiting than shown. */
  more: boolean;
  /** The peer whose letters alone are listed, when one is chosen. */
  peer?: string;
  /** After a replay (the redirect's notice): letters back to delivery, and those that could not go. */
  notice?: ReplayAllOutcome;
  csrf: string;
}

/** The dead letters, newest first, each with its replay button; a replay-all button per peer with letters waiting. */
export function DeadLettersPage({ view }: { view: DeadLettersView }) {
  const { locale } = usePage();
  const d = federationConsoleMessages(locale).deadLetters;
  return (
    <>
      {view.notice !== undefined && <ReplayNotice notice={view.notice} />}
      <p class="lead">{d.lead}</p>
      <section aria-labelledby="dead-letters">
        <h2 id="dead-letters">{d.waiting}</h2>
        {view.peer !== undefined && (
          <p>
            {d.onlyPeer(view.peer)} <a href={DEAD_LETTERS_PATH}>{d.allPeers}</a>
          </p>
        )}
        {view.more && <p>{d.shown(view.letters.length)}</p>}
        {view.letters.length === 0 ? <p>{d.none}</p> : <LetterTable letters={view.letters} csrf={view.csrf} />}
      </section>
      <ReplayAll peers={peersOf(view.letters)} csrf={view.csrf} />
      <p>
        <a href={FEDERATION_CONSOLE_PATH}>{d.back}</a>
      </p>
    </>
  );
}

/**
 * The peers of the letters shown, in order of their slugs: their Replay all buttons (a deleted
 * peer's letters too). Not counted: a count per peer is a scan of the letters on some engines.
 */
function peersOf(letters: DeadLetterRow[]): string[] {
  return [...new Set(letters.map((letter) => letter.peer))].sort();
}

function ReplayNotice({ notice }: { notice: ReplayAllOutcome }) {
  const d = federationConsoleMessages(usePage().locale).deadLetters;
  const replayed = notice.replayed === 0 ? d.noneReplayed : d.replayed(notice.replayed);
  if (notice.failed === 0) return <p role="status">{replayed}</p>;
  const failed = d.failed(notice.failed);
  return (
    <p role="status" class="error-text">
      {notice.replayed === 0 ? failed : `${replayed} ${failed}`}
    </p>
  );
}

function LetterTable({ letters, csrf }: { letters: DeadLetterRow[]; csrf: string }) {
  const d = federationConsoleMessages(usePage().locale).deadLetters;
  const columns = [
    { label: d.peer },
    { label: d.direction },
    { label: d.statement },
    { label: d.attempts, numeric: true },
    { label: d.status },
    { label: d.reason },
    { label: d.parked },
    { label: d.actions },
  ];
  return (
    <ScrollTable labelledBy="dead-letters" columns={columns}>
      {letters.map((letter) => (
        <LetterRow key={letter.id} letter={letter} csrf={csrf} />
      ))}
    </ScrollTable>
  );
}

function LetterRow({ letter, csrf }: { letter: DeadLetterRow; csrf: string }) {
  const { locale } = usePage();
  const d = federationConsoleMessages(locale).deadLetters;
  return (
    <tr>
      <th scope="row">
        <a href={peerLettersPath(letter.peer)}>
          <code>{letter.peer}</code>
        </a>
      </th>
      <td>{d.directions[letter.direction]}</td>
      <td>
        <StatementId letter={letter} />
      </td>
      <td class="number">{formatNumber(locale, letter.attempts)}</td>
      <td>{letter.status === undefined ? d.noAnswer : String(letter.status)}</td>
      <td>
        {letter.reason}
        {letter.body !== undefined && letter.body !== '' && (
          <details>
            <summary>{d.body}</summary>
            <pre>{letter.body}</pre>
          </details>
        )}
      </td>
      <td>
        <Time at={letter.parkedAt} />
      </td>
      <td>
        <form method="post" action={replayPath(letter.id)}>
          <CsrfField token={csrf} />
          <button type="submit" aria-label={d.replayLabel(letter.statementId ?? letter.id, letter.peer)}>
            {d.replay}
          </button>
        </form>
      </td>
    </tr>
  );
}

/** A pushed statement is stored here (linked to the console's statement page); a pulled one was refused, so it is not. */
function StatementId({ letter }: { letter: DeadLetterRow }) {
  const { none } = federationConsoleMessages(usePage().locale);
  if (letter.statementId === undefined) return <>{none}</>;
  if (letter.direction === 'pull') return <code>{letter.statementId}</code>;
  return (
    <a href={consoleStatementPath(letter.statementId)}>
      <code>{letter.statementId}</code>
    </a>
  );
}

function ReplayAll({ peers, csrf }: { peers: string[]; csrf: string }) {
  const d = federationConsoleMessages(usePage().locale).deadLetters;
  if (peers.length === 0) return null;
  return (
    <section aria-labelledby="replay-all">
      <h2 id="replay-all">{d.replayAllTitle}</h2>
      {peers.map((peer) => (
        <PostForm action={REPLAY_ALL_PATH} csrf={csrf} submit={d.replayAll(peer)}>
          <input type="hidden" name="peer" value={peer} />
        </PostForm>
      ))}
    </section>
  );
}
