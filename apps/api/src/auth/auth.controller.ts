import { Body, Controller, HttpCode, Inject, Post, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProperty,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { randomUUID } from 'node:crypto';
import {
  DirectoryService,
  TokenRevocation,
  verifyPassword,
  YIXIN_CONFIG,
  type IssuedToken,
  type YixinConfig,
} from '../../../../libs/application/src';
import type { Role } from '../../../../libs/domain/src';
import { LoginRateLimit } from '../rate-limit/rate-limit';
import { CurrentToken, Public } from './auth.decorators';
import type { TokenClaims } from './auth.guard';

export class LoginDto {
  @ApiProperty({ example: 'staff.xiangyuan' })
  @IsString()
  @Length(1, 100)
  username!: string;

  @ApiProperty({ example: 'yixin-demo' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class LoginResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty() expiresInSeconds!: number;
  @ApiProperty() userId!: string;
  @ApiProperty() role!: Role;
  @ApiProperty() organisationId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ description: 'manages the users of its organisation (/admin/users)' }) isAdministrator!: boolean;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly directory: DirectoryService,
    private readonly jwt: JwtService,
    private readonly revocation: TokenRevocation,
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
  ) {}

  @Public()
  @LoginRateLimit()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponse })
  @ApiUnauthorizedResponse({ description: 'unknown user or wrong password' })
  @ApiTooManyRequestsResponse({ description: 'too many login attempts from this address within a minute' })
  async login(@Body() { username, password }: LoginDto): Promise<LoginResponse> {
    const found = await this.directory.findUserWithPasswordHash(username);
    if (!found || !(await verifyPassword(password, found.passwordHash))) {
      throw new UnauthorizedException('unknown user or wrong password');
    }
    // Said only to whoever knows the password.
    if (found.disabled) throw new UnauthorizedException('this account is disabled; ask an administrator of your organisation');
    const { user } = found;
    const isAdministrator = user.isAdministrator ?? false;
    const claims: TokenClaims = { sub: user.userId, role: user.role, org: user.organisationId, adm: isAdministrator, gen: found.tokenGeneration };
    return {
      accessToken: await this.jwt.signAsync(claims, { jwtid: randomUUID() }),
      expiresInSeconds: this.config.jwt.expiresInSeconds,
      userId: user.userId,
      role: user.role,
      organisationId: user.organisationId,
      displayName: user.displayName,
      isAdministrator,
    };
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'the token of the request is revoked; the user’s other tokens stay valid' })
  async logout(@CurrentToken() token: IssuedToken): Promise<void> {
    await this.revocation.revoke(token);
  }
}
