import fs from 'node:fs';
import readline from 'node:readline';
import { CliError, EXIT } from '../exit-codes';

/** One thing a source read: a statement, or why what was there is not one. `where` names it for the summary. */
export type SourceItem = { where: string; statement: Record<string, unknown> } | { where: string; problem: string };

/**
 * Where `keiko import` reads statements from. A file (JSON or NDJSON) today; another LRS's
 * statements resource can be one too (issue 15).
 */
export interface StatementSource {
  /** For messages: "statements.ndjson", "standard input". */
  readonly name: string;
  items(): AsyncIterable<SourceItem>;
}

/**
 * A file, or standard input for "-": NDJSON (one statement per line; blank lines skipped), or one
 * JSON document: an array of statements, a StatementResult (`{"statements": [...]}`, as GET
 * /xapi/statements returns) or a single statement. An unreadable file is a CliError (exit 4).
 */
export function fileSource(file: string): StatementSource {
  return {
    name: file === '-' ? 'standard input' : file,
    items: () => readItems(file),
  };
}

/** The first non-blank line decides: an object on its own is NDJSON; else, a `[` or `{` starts one JSON document. */
async function* readItems(file: string): AsyncGenerator<SourceItem> {
  const lines = readline.createInterface({ input: await openInput(file), crlfDelay: Infinity });
  let lineNumber = 0;
  let mode: 'first line' | 'ndjson' | 'document' = 'first line';
  const document: string[] = [];
  try {
    for await (const line of lines) {
      lineNumber++;
      if (mode === 'document') document.push(line);
      else if (line.trim() !== '') {
        const parsed = parseJson(line);
        if (mode === 'first line' && !isObject(parsed.value) && /^\s*[[{]/.test(line)) {
          mode = 'document';
          document.push(...Array<string>(lineNumber - 1).fill(''), line); // keeps line numbers for parse errors
          continue;
        }
        mode = 'ndjson';
        const where = `line ${lineNumber}`;
        yield parsed.problem === undefined ? statementItem(where, parsed.value) : { where, problem: `not JSON: ${parsed.problem}` };
      }
    }
  } catch (error) {
    throw new CliError(EXIT.cannotRead, `cannot read ${file}: ${(error as Error).message}`);
  }
  if (mode === 'document') yield* documentItems(document.join('\n'));
}

function* documentItems(text: string): Generator<SourceItem> {
  const { value, problem } = parseJson(text);
  if (problem !== undefined) {
    yield { where: lineOfProblem(text, problem), problem: `not JSON: ${problem}` };
    return;
  }
  const statements = Array.isArray(value) ? value : isStatementResult(value) ? value.statements : [value];
  for (const [index, statement] of statements.entries()) yield statementItem(`statement ${index + 1}`, statement);
}

function parseJson(text: string): { value?: unknown; problem?: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStatementResult(value: unknown): value is { statements: unknown[] } {
  return isObject(value) && Array.isArray(value.statements);
}

function statementItem(where: string, value: unknown): SourceItem {
  return isObject(value) ? { where, statement: value } : { where, problem: 'not a statement (a JSON object)' };
}

/** "line L" of a JSON.parse error message, from the line (Node 22+) or the position (Node 20) it gives. */
function lineOfProblem(text: string, problem: string): string {
  const lineColumn = /\(line (\d+) column \d+\)/.exec(problem);
  if (lineColumn) return `line ${lineColumn[1]}`;
  const position = /at position (\d+)/.exec(problem);
  if (!position) return 'the file';
  return `line ${text.slice(0, Number(position[1])).split('\n').length}`;
}

async function openInput(file: string): Promise<NodeJS.ReadableStream> {
  if (file === '-') return process.stdin;
  try {
    const handle = await fs.promises.open(file, 'r');
    return handle.createReadStream({ encoding: 'utf8' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(EXIT.cannotRead, `cannot read ${file}: ${code ?? (error as Error).message}`);
  }
}
