import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { ErasePersonalDataCommand, type ErasureResult, type ErasureSubject } from '@yixin/privacy';
import type { Actor } from '@yixin/domain';
import { ApiAuthenticatedWrite, ApiError, ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { PHONE } from '../cases/case.dto';

export class ErasureRequestDto {
  @ApiPropertyOptional({ example: '13800000000', description: 'the resident’s phone number, as given when filing' })
  @IsOptional()
  @IsString()
  @Matches(PHONE, { message: 'phone must be a mobile number (11 digits starting with 1) or a landline with area code' })
  phone?: string;

  @ApiPropertyOptional({ description: 'the resident’s pseudonym, as the auditor’s views show it' })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-f]{64}$/, { message: 'subjectId must be 64 lowercase hexadecimal digits' })
  subjectId?: string;
}

export class ErasureResponse implements ErasureResult {
  @ApiProperty() subjectId!: string;
  @ApiProperty({ description: 'the resident’s cases of the caller’s community, whose personal data no one can read any more' }) casesAffected!: number;
  @ApiProperty({ description: 'PersonalDataErased events appended by this request (0 when it was erased before)' }) erasuresRecorded!: number;
}

@ApiTags('privacy')
@ApiSignedIn()
@Controller('privacy')
export class PrivacyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('erasure')
  @HttpCode(200)
  @Roles('community_staff')
  @ApiOperation({ summary: 'erase a resident’s name, phone and unit from the cases of the caller’s community, at their request' })
  @ApiOkResponse({ type: ErasureResponse, description: 'the resident’s data key of the caller’s community is deleted; each of those cases records the erasure' })
  @ApiErrors(400)
  @ApiError(404, 'no case of the caller’s community holds encrypted personal data of this resident')
  @ApiError(409, 'another command changed one of the resident’s cases while the erasure was recorded: send it again')
  @ApiAuthenticatedWrite()
  erase(@CurrentActor() actor: Actor, @Body() body: ErasureRequestDto): Promise<ErasureResponse> {
    return this.commandBus.execute(new ErasePersonalDataCommand(actor, erasureSubject(body)));
  }
}

function erasureSubject({ phone, subjectId }: ErasureRequestDto): ErasureSubject {
  if ((phone === undefined) === (subjectId === undefined)) throw new BadRequestException(['give exactly one of phone or subjectId']);
  return phone !== undefined ? { phone } : { subjectId: subjectId! };
}
