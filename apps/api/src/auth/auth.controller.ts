import { Body, Controller, HttpCode, Inject, Post, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiOkResponse, ApiProperty, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { DirectoryService, verifyPassword, YIXIN_CONFIG, type YixinConfig } from '../../../../libs/application/src';
import type { Role } from '../../../../libs/domain/src';
import { LoginRateLimit } from '../rate-limit/rate-limit';
import { Public } from './auth.decorators';
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
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly directory: DirectoryService,
    private readonly jwt: JwtService,
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
    const { user } = found;
    const claims: TokenClaims = { sub: user.userId, role: user.role, org: user.organisationId };
    return {
      accessToken: await this.jwt.signAsync(claims),
      expiresInSeconds: this.config.jwt.expiresInSeconds,
      userId: user.userId,
      role: user.role,
      organisationId: user.organisationId,
      displayName: user.displayName,
    };
  }
}
