import { APP_FILTER } from '@nestjs/core';
import { FileComplaintCommand } from '@yixin/cases';
import { DirectoryService } from '@yixin/directory';
import { setUpControllerUnderTest } from '@yixin/testing';
import { AuthGuard } from '../auth/auth.guard';
import { configureHttpApp } from '../http-app';
import { Open311UnreadableBodyFilter } from './open311-errors';
import { Open311RateLimits } from './open311-rate-limits';
import { Open311Controller } from './open311.controller';

const form = (apiKey: string) => ({
  api_key: apiKey,
  service_code: 'sanitation',
  address_id: 'beichen-aoyuan',
  'attribute[building]': '3幢',
  first_name: '阿姨',
  last_name: '王',
  phone: '13900001111',
  description: '楼道灯不亮',
});

describe('Open311Controller in isolation (fake buses and directory, the API’s guards, pipes and filters)', () => {
  const keysAsked: string[] = [];
  const directory: Partial<DirectoryService> = {
    findApiKey: async (apiKey: string) => (keysAsked.push(apiKey), apiKey === 'good-key' ? { keyId: 'key-1', communityId: 'xiangyuan', label: '12345 热线' } : undefined),
    findOrganisation: () => undefined,
    childrenOf: () => ['beichen-aoyuan'],
  };
  const under = setUpControllerUnderTest({
    controllers: [Open311Controller],
    guards: [AuthGuard],
    providers: [{ provide: DirectoryService, useValue: directory }, Open311RateLimits, { provide: APP_FILTER, useClass: Open311UnreadableBodyFilter }],
    configure: configureHttpApp,
    beforeEach: () => (keysAsked.length = 0),
  });

  it('is public: its services answer without a token', async () => {
    const services = await under.request('GET', '/open311/v2/services.json');
    expect(services.status).toBe(200);
    expect(services.body).toEqual(expect.arrayContaining([expect.objectContaining({ service_code: 'sanitation' })]));
  });

  it('refuses a request of a valid key with missing or wrong fields with 400, one Open311 error each, filing nothing', async () => {
    const answer = await under.request('POST', '/open311/v2/requests.json', undefined, { api_key: 'good-key', service_code: 'weather' });
    expect(answer.status).toBe(400);
    expect(answer.body.length).toBeGreaterThan(1);
    for (const error of answer.body) expect(error).toEqual({ code: 400, description: expect.any(String) });
    expect(keysAsked).toEqual(['good-key']);
    expect(under.commandBus.executed).toEqual([]);
  });

  it('files a well-formed request of a valid key as the key’s community', async () => {
    under.commandBus.answer = () => ({ caseId: 'c-1' });
    const answer = await under.request('POST', '/open311/v2/requests.json', undefined, form('good-key'));
    expect(answer).toMatchObject({ status: 201, body: [{ service_request_id: 'c-1' }] });
    expect(under.commandBus.executed).toEqual([expect.any(FileComplaintCommand)]);
  });

  it('refuses a well-formed request with an unknown api_key with 403, filing nothing', async () => {
    const answer = await under.request('POST', '/open311/v2/requests.json', undefined, form('no-such-key'));
    expect(answer).toEqual(expect.objectContaining({ status: 403, body: [{ code: 403, description: 'api_key is missing or invalid' }] }));
    expect(keysAsked).toEqual(['no-such-key']);
    expect(under.commandBus.executed.filter((command) => command instanceof FileComplaintCommand)).toEqual([]);
  });

  it('refuses malformed search parameters with 400 and asks nothing', async () => {
    const answer = await under.request('GET', '/open311/v2/requests.json?start_date=yesterday&status=lost');
    expect(answer.status).toBe(400);
    for (const error of answer.body) expect(error).toEqual({ code: 400, description: expect.any(String) });
    expect(under.queryBus.executed).toEqual([]);
  });

  it('answers an unknown service, format or path with 404 in its own format', async () => {
    expect(await under.request('GET', '/open311/v2/services/weather.json')).toMatchObject({ status: 404, body: [{ code: 404, description: 'service_code weather not found' }] });
    expect((await under.request('GET', '/open311/v2/services.yaml')).status).toBe(404);
    expect((await under.request('GET', '/open311/v2/nothing/here.json')).body).toEqual([{ code: 404, description: expect.stringMatching(/^no Open311 resource answers GET/) }]);
  });
});
