import {
  BadRequestException,
  Catch,
  Controller,
  Get,
  HttpStatus,
  Inject,
  Injectable,
  Param,
  PayloadTooLargeException,
  Post,
  Res,
  StreamableFile,
  UnsupportedMediaTypeException,
  UploadedFile,
  UseFilters,
  UseGuards,
  UseInterceptors,
  type ArgumentsHost,
  type CallHandler,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Observable } from 'rxjs';
import { ATTACHMENT_CONTENT_TYPES, AttachmentStore, imageTypeOf, UploadQuotaExceeded, type AttachmentContentType, type StoredAttachment } from '@yixin/attachments';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { SHA256_HEX, type Actor } from '@yixin/domain';
import { ApiError, ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { caseIdPipe } from '../cases/case-actions.controller';

/** What multer's memory storage gives the handler (the parts of it read here). */
interface UploadedPhoto {
  buffer: Buffer;
  size: number;
  mimetype: string;
}

export class StoredAttachmentDto {
  @ApiProperty({ description: 'SHA-256 of the bytes, lowercase hex: the photo’s name as evidence and in GET /attachments/:hash' }) hash!: string;
  @ApiProperty() size!: number;
  @ApiProperty({ enum: ATTACHMENT_CONTENT_TYPES }) contentType!: AttachmentContentType;
}

/** Declared types that say nothing about the file (curl's default for an extension it does not know). */
const UNSPECIFIC_TYPES = new Set(['application/octet-stream', '']);
/** image/jpg is not a registered type, but often sent for JPEG. */
const TYPE_ALIASES: Record<string, string> = { 'image/jpg': 'image/jpeg' };
const FILE_EXTENSIONS: Record<AttachmentContentType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/** Room for a multipart body's boundaries and the part's headers around the photo itself. */
const MULTIPART_ENVELOPE_BYTES = 16 * 1024;

const photoTooLarge = (maxBytes: number) => new PayloadTooLargeException(`the photo is larger than ${maxBytes} bytes (ATTACHMENT_MAX_BYTES)`);

/**
 * Runs before the body is read (guards run before interceptors, and multer reads in an interceptor):
 * a malformed case id, a case the caller may not add to, a quota used up, or a body declared larger
 * than a photo can be are refused without taking in a byte of it.
 */
@Injectable()
export class MayUploadPhoto implements CanActivate {
  private readonly maxBytes: number;

  constructor(
    private readonly attachments: AttachmentStore,
    @Inject(YIXIN_CONFIG) config: YixinConfig,
  ) {
    this.maxBytes = config.attachmentMaxBytes;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ actor: Actor; params: { caseId: string }; headers: Record<string, string | undefined> }>();
    const caseId: string = await caseIdPipe.transform(request.params.caseId, { type: 'param', data: 'caseId' });
    if (Number(request.headers['content-length']) > this.maxBytes + MULTIPART_ENVELOPE_BYTES) throw photoTooLarge(this.maxBytes);
    await this.attachments.requireMayUpload(request.actor, caseId);
    return true;
  }
}

/**
 * Reads the multipart field `file` into memory, up to ATTACHMENT_MAX_BYTES, and nothing else: no
 * text field, no second part, which multer would otherwise buffer up to a megabyte each.
 */
@Injectable()
export class PhotoUpload implements NestInterceptor {
  private readonly multipart: NestInterceptor;
  private readonly maxBytes: number;

  constructor(@Inject(YIXIN_CONFIG) config: YixinConfig) {
    this.maxBytes = config.attachmentMaxBytes;
    const Multipart = FileInterceptor('file', { limits: { fileSize: this.maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 20 } });
    this.multipart = new Multipart();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    try {
      return await this.multipart.intercept(context, next);
    } catch (error) {
      if (error instanceof PayloadTooLargeException) throw photoTooLarge(this.maxBytes);
      if (error instanceof BadRequestException) {
        throw new BadRequestException([`the upload is one photo in the multipart/form-data field "file" and nothing else (${error.message})`]);
      }
      throw error;
    }
  }
}

/** A used-up daily quota answers as a rate limit does: 429, with the seconds until some of it frees in Retry-After. */
@Catch(UploadQuotaExceeded)
export class UploadQuotaFilter implements ExceptionFilter {
  catch(error: UploadQuotaExceeded, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<{ setHeader(name: string, value: string): void; status(code: number): { json(body: unknown): void } }>();
    response.setHeader('Retry-After', String(error.retryAfterSeconds));
    response.status(HttpStatus.TOO_MANY_REQUESTS).json({ statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message: error.message });
  }
}

/** The type the bytes are, if the sender's declared type (if any) agrees with it. */
function requireSupportedImage(photo: UploadedPhoto): AttachmentContentType {
  const found = imageTypeOf(photo.buffer);
  const declared = TYPE_ALIASES[photo.mimetype] ?? photo.mimetype;
  if (!found) {
    throw new UnsupportedMediaTypeException(`the file is not a JPEG, PNG or WebP image by its content (declared ${photo.mimetype || 'without a type'})`);
  }
  if (!UNSPECIFIC_TYPES.has(declared) && declared !== found) {
    throw new UnsupportedMediaTypeException(`the file was declared ${photo.mimetype} but its content is ${found}`);
  }
  return found;
}

/** Photos as evidence: stored once per content, cited by hash by staff (POST /cases/:caseId/evidence), progress reports and resolutions. */
@ApiTags('attachments')
@ApiSignedIn()
@ApiErrors(400, 404)
@Controller()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentStore) {}

  @Post('cases/:caseId/attachments')
  @Roles('community_staff', 'property_company', 'owners_committee')
  @UseGuards(MayUploadPhoto)
  @UseInterceptors(PhotoUpload)
  @UseFilters(UploadQuotaFilter)
  @ApiOperation({ summary: 'upload a photo for the case: its community’s staff or the organisation holding its task' })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiCreatedResponse({ type: StoredAttachmentDto, description: 'stored, or already stored: the same bytes have the same hash' })
  @ApiError(403, 'neither the case’s community staff nor the organisation holding its task')
  @ApiError(409, 'the case is closed, or has its ATTACHMENT_MAX_PER_CASE photos: it takes no more evidence')
  @ApiError(413, 'larger than ATTACHMENT_MAX_BYTES')
  @ApiErrors(415)
  @ApiError(429, 'rate limit exceeded, or the organisation’s photos of the last 24 hours reached ATTACHMENT_MAX_BYTES_PER_ORGANISATION_PER_DAY: retry after the seconds in `Retry-After`')
  upload(
    @CurrentActor() actor: Actor,
    @Param('caseId', caseIdPipe) caseId: string,
    @UploadedFile() photo: UploadedPhoto | undefined,
  ): Promise<StoredAttachment> {
    if (!photo) throw new BadRequestException(['a photo is required, as the multipart/form-data field "file"']);
    if (photo.size === 0) throw new BadRequestException(['the photo is empty']);
    return this.attachments.store(actor, caseId, photo.buffer, requireSupportedImage(photo));
  }

  @Get('attachments/:hash')
  @ApiOperation({ summary: 'a photo: for the organisation that uploaded it, and anyone who may read a case citing it as evidence' })
  @ApiOkResponse({ content: Object.fromEntries(ATTACHMENT_CONTENT_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])) })
  async download(
    @CurrentActor() actor: Actor,
    @Param('hash') hash: string,
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void },
  ): Promise<StreamableFile> {
    if (!SHA256_HEX.test(hash)) throw new BadRequestException('hash must be the lowercase hex SHA-256 of a photo');
    const photo = await this.attachments.read(actor, hash);
    // The content of a hash never changes; who may see it is checked on every request.
    response.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    response.setHeader('ETag', `"${hash}"`);
    return new StreamableFile(photo.content, {
      type: photo.contentType,
      length: photo.size,
      disposition: `inline; filename="${hash}.${FILE_EXTENSIONS[photo.contentType]}"`,
    });
  }
}
