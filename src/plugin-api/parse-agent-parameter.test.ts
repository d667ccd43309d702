import { BadRequestError, parseAgentParameter } from '.';

describe('parseAgentParameter (the plugin API)', () => {
  it('returns the Agent and its IFI key', () => {
    expect(parseAgentParameter('{"mbox":"mailto:ana@Example.org"}')).toEqual({ agent: { mbox: 'mailto:ana@Example.org' }, key: 'mbox:mailto:ana@example.org' });
  });

  it.each([
    ['not JSON', 'ana', /must be an Agent object in JSON/],
    ['no IFI', '{"name":"Ana"}', /agent/],
    ['two IFIs', '{"mbox":"mailto:ana@example.org","openid":"https://id.example/ana"}', /agent/],
    ['a Group', '{"objectType":"Group","mbox":"mailto:team@example.org"}', /not a Group/],
    ['a JSON array', '[]', /agent/],
  ])('refuses %s with 400 INVALID_PARAMETER saying what is wrong', (_, value, message) => {
    let thrown: unknown;
    try {
      parseAgentParameter(value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(BadRequestError);
    expect(thrown).toMatchObject({ status: 400, code: 'INVALID_PARAMETER', message: expect.stringMatching(message) });
  });
});
