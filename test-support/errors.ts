import { HttpError } from '../src/errors';

/** Runs `run` and checks it throws an HttpError with this status, code and message. */
export function expectHttpError(run: () => unknown, expected: { status: number; code: string; message: RegExp }): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(HttpError);
  expect(caught).toMatchObject({ status: expected.status, code: expected.code });
  expect((caught as Error).message).toMatch(expected.message);
}
