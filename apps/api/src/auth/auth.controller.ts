import { Body, Controller, HttpCode, HttpException, HttpStatus, Inject, Post, Res, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { DirectoryService, PASSWORD_MAX_LENGTH, TokenRevocation, verifyPassword, verifyPasswordOfUnknownUser, type IssuedToken } from '@yixin/directory';
import type { Role } from '@yixin/domain';
import { PERSON_ROLES } from '../admin/admin-users.dto';
import { ApiAuthenticatedWrite, ApiError, ApiErrors, ApiSignedIn } from '../api-errors';
import { FixedWindowCounter, LoginRateLimit } from '../rate-limit/rate-limit';
import { CurrentToken, Public } from './auth.decorators';
import type { TokenClaims } from './auth.guard';

const MINUTE_MS = 60_000;

export class LoginDto {
  @ApiProperty({ example: 'staff.xiangyuan' })
  @IsString()
  @Length(1, 100)
  username!: string;

  @ApiProperty({ example: 'yixin-demo' })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password!: string;
}

export class LoginResponse {
  @ApiProperty() accessToken!: string;
  @ApiProperty() expiresInSeconds!: number;
  @ApiProperty() userId!: string;
  @ApiProperty({ enum: PERSON_ROLES }) role!: Role;
  @ApiProperty() organisationId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ description: 'manages the users of its organisation (/admin/users)' }) isAdministrator!: boolean;
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  /**
   * Attempts per username, beside those per client address (RateLimitGuard): guessing one user's
   * password from many addresses meets this one. Counted whether or not the user exists, so that
   * the refusal tells nothing about which usernames do.
   */
  private readonly attemptsPerUsername: FixedWindowCounter;

  constructor(
    private readonly directory: DirectoryService,
    private readonly jwt: JwtService,
    private readonly revocation: TokenRevocation,
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
  ) {
    this.attemptsPerUsername = new FixedWindowCounter(config.rateLimits.loginsPerUsernamePerMinute, MINUTE_MS);
  }

  @Public()
  @LoginRateLimit()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'sign in: a bearer token for every other route' })
  @ApiOkResponse({ type: LoginResponse })
  @ApiErrors(400, 413)
  @ApiError(401, 'unknown user or wrong password, or a disabled account')
  @ApiError(429, 'too many login attempts from this address, or for this username, within a minute: retry after the seconds in `Retry-After`')
  async login(
    @Body() { username, password }: LoginDto,
    @Res({ passthrough: true }) response: { setHeader(name: string, value: string): void },
  ): Promise<LoginResponse> {
    const retryAfterSeconds = this.attemptsPerUsername.hit(username);
    if (retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(retryAfterSeconds));
      const message = `too many login attempts for this username; retry in ${retryAfterSeconds} s`;
      throw new HttpException(HttpException.createBody(message, 'Too Many Requests', HttpStatus.TOO_MANY_REQUESTS), HttpStatus.TOO_MANY_REQUESTS);
    }
    const found = await this.directory.findUserWithPasswordHash(username);
    const passwordMatches = found ? await verifyPassword(password, found.passwordHash) : await verifyPasswordOfUnknownUser(password);
    if (!found || !passwordMatches) throw new UnauthorizedException('unknown user or wrong password');
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
  @ApiSignedIn()
  @ApiAuthenticatedWrite()
  @ApiOperation({ summary: 'sign out: revoke the token of this request' })
  @ApiNoContentResponse({ description: 'the token of the request is revoked; the user’s other tokens stay valid' })
  async logout(@CurrentToken() token: IssuedToken): Promise<void> {
    await this.revocation.revoke(token);
  }
}
