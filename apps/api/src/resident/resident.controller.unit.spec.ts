import { DomainError } from '@yixin/domain';
import { GetResidentCaseQuery, NO_SUCH_RESIDENT_CASE, RateCaseAsResidentCommand } from '@yixin/resident-access';
import { setUpControllerUnderTest } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { ResidentController, ResidentLinkController } from './resident.controller';
import { ResidentRateLimits } from './resident-rate-limits';

const SHOWN = { caseNumber: '2b1d8a10', status: 'resolved', statusText: '已处理完毕，请您评价', canRate: true };
const NOT_FOUND_BODY = { statusCode: 404, error: 'not found', message: NO_SUCH_RESIDENT_CASE };
const noSuchCase = () => {
  throw new DomainError('not_found', NO_SUCH_RESIDENT_CASE);
};

/** The limits of the suite: a few failures per case number, a few more per address. */
const LIMITS = { RATE_LIMIT_LOGINS_PER_USERNAME_PER_MINUTE: '3', RATE_LIMIT_LOGINS_PER_MINUTE: '5' };

describe('ResidentController in isolation (fake buses, the API’s guards, pipes and filters)', () => {
  const under = setUpControllerUnderTest({
    controllers: [ResidentController, ResidentLinkController],
    guards: [AuthGuard],
    providers: [ResidentRateLimits],
    configure: configureHttpApp,
    env: LIMITS,
    beforeEach: ({ queryBus }) => (queryBus.answer = () => SHOWN),
  });

  it('shows the case to whoever gives its number and code, without a token, the number in any case', async () => {
    const answer = await under.request('POST', '/resident/case', undefined, { caseNumber: '2B1D8A10', checkCode: '042917' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(SHOWN);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(under.queryBus.executed).toEqual([new GetResidentCaseQuery('2B1D8A10', '042917')]);
  });

  it('records the rating as the resident’s call-back, then shows the case as it stands', async () => {
    const answer = await under.request('POST', '/resident/case/rating', undefined, { caseNumber: '2b1d8a10', checkCode: '042917', satisfied: true, rating: 5, note: '很及时' });
    expect(answer.status).toBe(200);
    expect(under.commandBus.executed).toEqual([expect.objectContaining({ caseNumber: '2b1d8a10', checkCode: '042917', rating: { satisfied: true, rating: 5, note: '很及时' } })]);
    expect(under.commandBus.executed[0]).toBeInstanceOf(RateCaseAsResidentCommand);
    expect(under.queryBus.executed).toEqual([new GetResidentCaseQuery('2b1d8a10', '042917')]);
  });

  it('refuses a malformed number, code or rating with 400, looking nothing up', async () => {
    const answers = [
      await under.request('POST', '/resident/case', undefined, { caseNumber: '2b1d8a1', checkCode: '04291x' }),
      await under.request('POST', '/resident/case/rating', undefined, { caseNumber: '2b1d8a10', checkCode: '042917', satisfied: 'yes', rating: 6, note: '很'.repeat(501) }),
    ];
    expect(answers.map((answer) => answer.body)).toEqual([
      { statusCode: 400, error: 'Bad Request', message: ['caseNumber must be the 8 letters and digits of the SMS', 'checkCode must be the 6 digits of the SMS'] },
      {
        statusCode: 400,
        error: 'Bad Request',
        message: ['satisfied must be a boolean value', 'rating must not be greater than 5', 'note must be shorter than or equal to 500 characters'],
      },
    ]);
    expect([...under.queryBus.executed, ...under.commandBus.executed]).toEqual([]);
  });

  it('sends the SMS link on to the console’s page, relative to where it was asked, the code never in a server’s path again', async () => {
    const target = async (path: string) => {
      const answer = await fetch(`${await under.app.getUrl()}${path}`, { redirect: 'manual' });
      expect([answer.status, answer.headers.get('content-type'), answer.headers.get('cache-control')]).toEqual([200, 'text/html; charset=utf-8', 'no-store']);
      return /<meta http-equiv="refresh" content="0; url=([^"]*)">/.exec(await answer.text())?.[1];
    };
    expect(await target('/r/2B1D8A10/042917')).toBe('../../#/r/2b1d8a10/042917');
    expect(await target('/r/2b1d8a10/042917/')).toBe('../../../#/r/2b1d8a10/042917');
  });

  it('refuses a link cut short or mistyped with 400', async () => {
    const answer = await under.request('GET', '/r/2b1d8a10/0429');
    expect(answer.body).toEqual({ statusCode: 400, error: 'Bad Request', message: ['checkCode must be the 6 digits of the SMS'] });
  });
});

describe('ResidentController’s limits on failed look-ups', () => {
  const under = setUpControllerUnderTest({
    controllers: [ResidentController],
    guards: [AuthGuard],
    providers: [ResidentRateLimits],
    configure: configureHttpApp,
    env: LIMITS,
  });
  const lookUp = (caseNumber: string, checkCode = '000000') => under.request('POST', '/resident/case', undefined, { caseNumber, checkCode });

  it('answers every failure alike, then 429 for the case number, even to the right code; then for the address, whatever the number', async () => {
    under.queryBus.answer = noSuchCase;
    const failures = [await lookUp('aaaaaaaa'), await lookUp('aaaaaaaa', '111111'), await lookUp('aaaaaaaa', '222222')];
    expect(failures.map((failure) => [failure.status, failure.body])).toEqual(Array(3).fill([404, NOT_FOUND_BODY]));

    under.queryBus.answer = () => SHOWN;
    const limited = await lookUp('AAAAAAAA', '042917');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.stringMatching(/^too many wrong case numbers or check codes; the limit is 3 a minute; retry in \d+ s$/) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await lookUp('bbbbbbbb', '042917')).status).toBe(200);

    under.queryBus.answer = noSuchCase;
    expect([(await lookUp('cccccccc')).status, (await lookUp('dddddddd')).status]).toEqual([404, 404]);
    under.queryBus.answer = () => SHOWN;
    expect((await lookUp('eeeeeeee', '042917')).status).toBe(429);
  });
});
