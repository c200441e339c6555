import { All, applyDecorators, Body, Controller, Get, HttpStatus, Inject, Param, Post, Query, Req, UseFilters, UseInterceptors } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExcludeEndpoint,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import { FileComplaintCommand } from '@yixin/cases';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { apiKeyActor, DirectoryService } from '@yixin/directory';
import { GetPublicCaseQuery, GetPublicCasesQuery, SearchPublicCasesQuery, type PublicCase } from '@yixin/open311';
import { CATEGORY_CODES } from '@yixin/domain';
import { Public } from '../auth/auth.decorators';
import { clientAddress } from '../rate-limit/rate-limit';
import { Open311Error, Open311ErrorFilter, Open311FormatInterceptor } from './open311-errors';
import { CONTENT_TYPES, OPEN311_PATH, type Open311Document, type Open311Format } from './open311-format';
import { Open311RateLimits } from './open311-rate-limits';
import {
  Open311DiscoveryDto,
  Open311ErrorDto,
  Open311FiledRequestDto,
  Open311RequestFormDto,
  Open311ServiceDefinitionDto,
  Open311ServiceDto,
  Open311ServiceRequestDto,
} from './open311-views.dto';
import { isServiceCode, serviceDefinition, serviceList } from './service-catalog';
import { SERVICE_NOTICE, toServiceRequest } from './service-request';
import { ServiceRequestForm } from './service-request-form';
import { readServiceRequestSelection } from './service-request-search';

/** When this endpoint last changed, for discovery's `changeset`. */
const CHANGESET = '2026-11-29T00:00:00Z';

/** A refusal in GeoReport v2's format: a list of errors. */
const Open311Refusal = (status: HttpStatus, description: string) => ApiResponse({ status, description, type: Open311ErrorDto, isArray: true });

const FORMATS: Open311Format[] = ['json', 'xml'];

/** Every answer comes in the format the path's extension asks for. */
const Open311Operation = (summary: string) => applyDecorators(ApiOperation({ summary }), ApiProduces(...Object.values(CONTENT_TYPES)));

/**
 * Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), in JSON and XML by the path's
 * extension. Reading is public, as the spec intends; filing needs an `api_key` of a community.
 */
@ApiTags('open311')
@ApiProduces(...Object.values(CONTENT_TYPES))
@ApiParam({ name: 'format', enum: FORMATS, description: 'the format of the answer, JSON or XML' })
@Open311Refusal(HttpStatus.NOT_FOUND, 'no such resource, or a format other than json or xml')
@Public()
@UseFilters(Open311ErrorFilter)
@UseInterceptors(Open311FormatInterceptor)
@Controller(OPEN311_PATH)
export class Open311Controller {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly directory: DirectoryService,
    private readonly rateLimits: Open311RateLimits,
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
  ) {}

  @Get('discovery.:format')
  @Open311Operation('the endpoint, its specification and formats')
  @ApiOkResponse({ type: Open311DiscoveryDto })
  discovery(): Open311Document {
    return {
      root: 'discovery',
      body: {
        changeset: CHANGESET,
        contact: this.nameOf(this.config.centerOrganisationId),
        key_service: 'api_key 由街道中心发给各社区的受理渠道（如 12345 热线转办） / keys are issued by the street center to each community’s intake',
        endpoints: [
          {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: `${this.config.publicBaseUrl}/${OPEN311_PATH}`,
            changeset: CHANGESET,
            type: 'production',
            formats: Object.values(CONTENT_TYPES),
          },
        ],
      },
    };
  }

  @Get('services.:format')
  @Open311Operation('one service per category of complaint')
  @ApiOkResponse({ type: [Open311ServiceDto] })
  services(): Open311Document {
    return { root: 'services', body: serviceList() };
  }

  @Get('services/:serviceCode.:format')
  @Open311Operation('the attributes a request for the service needs')
  @ApiParam({ name: 'serviceCode', enum: CATEGORY_CODES })
  @ApiOkResponse({ type: Open311ServiceDefinitionDto })
  service(@Param('serviceCode') serviceCode: string): Open311Document {
    if (!isServiceCode(serviceCode)) throw new Open311Error(HttpStatus.NOT_FOUND, [`service_code ${serviceCode} not found`]);
    return { root: 'service_definition', body: serviceDefinition(serviceCode) };
  }

  @Post('requests.:format')
  @Open311Operation('file a complaint with a community’s api_key, as its staff would')
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiBody({ type: Open311RequestFormDto })
  @ApiCreatedResponse({ type: [Open311FiledRequestDto] })
  @Open311Refusal(HttpStatus.BAD_REQUEST, 'every problem with the fields, one error each')
  @Open311Refusal(HttpStatus.FORBIDDEN, 'api_key is missing or invalid')
  @Open311Refusal(HttpStatus.PAYLOAD_TOO_LARGE, 'the body is larger than HTTP_BODY_LIMIT_BYTES')
  @Open311Refusal(HttpStatus.TOO_MANY_REQUESTS, 'too many wrong api_keys from the address, or requests filed with the key, this minute; see Retry-After')
  async file(@Body() body: unknown, @Req() request: { ip?: string }): Promise<Open311Document> {
    const client = clientAddress(request);
    this.rateLimits.refuseGuessingClient(client);
    const form = ServiceRequestForm.read(body);
    const key = form.apiKey === undefined ? undefined : await this.directory.findApiKey(form.apiKey);
    if (!key) {
      this.rateLimits.countWrongKey(client);
      throw new Open311Error(HttpStatus.FORBIDDEN, ['api_key is missing or invalid']);
    }
    this.rateLimits.countFiling(key.keyId);
    const complaint = form.toComplaint({
      communityId: key.communityId,
      communityName: this.nameOf(key.communityId),
      compoundIds: this.directory.childrenOf(key.communityId, 'compound'),
    });
    const { caseId } = await this.commandBus.execute(new FileComplaintCommand(apiKeyActor(key), complaint));
    return { root: 'service_requests', body: [{ service_request_id: caseId, service_notice: SERVICE_NOTICE }] };
  }

  @Get('requests.:format')
  @Open311Operation('service requests, newest first: at most 1000, the last 90 days unless start_date / end_date say otherwise')
  @ApiQuery({ name: 'end_date', required: false, description: 'filed at or before: a W3C date-time with a time zone' })
  @ApiQuery({ name: 'start_date', required: false, description: 'filed at or after: a W3C date-time with a time zone' })
  @ApiQuery({ name: 'status', required: false, description: '`open`, `closed`, or both comma-separated' })
  @ApiQuery({ name: 'service_code', required: false, description: 'comma-separated categories' })
  @ApiQuery({ name: 'service_request_id', required: false, description: 'comma-separated case ids; overrides every other parameter' })
  @ApiOkResponse({ type: [Open311ServiceRequestDto] })
  @Open311Refusal(HttpStatus.BAD_REQUEST, 'every problem with the parameters, one error each')
  async requests(@Query() query: Record<string, unknown>): Promise<Open311Document> {
    const selection = readServiceRequestSelection(query, new Date());
    const found =
      'caseIds' in selection
        ? await this.queryBus.execute(new GetPublicCasesQuery(selection.caseIds))
        : await this.queryBus.execute(new SearchPublicCasesQuery(selection.search));
    return this.serviceRequests(found);
  }

  @Get('requests/:serviceRequestId.:format')
  @Open311Operation('one service request, as a one-element list')
  @ApiOkResponse({ type: [Open311ServiceRequestDto] })
  async request(@Param('serviceRequestId') serviceRequestId: string): Promise<Open311Document> {
    const found = await this.queryBus.execute(new GetPublicCaseQuery(serviceRequestId));
    if (!found) throw new Open311Error(HttpStatus.NOT_FOUND, [`service_request_id ${serviceRequestId} not found`]);
    return this.serviceRequests([found]);
  }

  /** Whatever else is asked under this path is answered in the spec's error format too. */
  @All('*path')
  @ApiExcludeEndpoint()
  nothingHere(@Req() request: { method: string; path: string }): never {
    throw new Open311Error(HttpStatus.NOT_FOUND, [`no Open311 resource answers ${request.method} ${request.path}`]);
  }

  private serviceRequests(found: PublicCase[]): Open311Document {
    return { root: 'service_requests', body: found.map((publicCase) => toServiceRequest(publicCase, (id) => this.nameOf(id))) };
  }

  private nameOf(organisationId: string): string {
    return this.directory.findOrganisation(organisationId)?.name ?? organisationId;
  }
}
