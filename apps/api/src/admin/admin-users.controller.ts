import { BadRequestException, Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserAdministration, type AdministeredUser } from '@yixin/directory';
import type { Actor } from '@yixin/domain';
import { ApiAuthenticatedWrite, ApiError, ApiErrors, ApiSignedIn } from '../api-errors';
import { CurrentActor, OrganisationAdmin } from '../auth/auth.decorators';
import { AdministeredUserDto, CreateUserDto, ListUsersQueryDto, PasswordDto, UpdateUserDto } from './admin-users.dto';

/**
 * An organisation's administrators manage its users; the district's administrators manage those of
 * every organisation under the district. Another organisation's user is not found.
 */
@ApiTags('administration')
@ApiSignedIn()
@ApiErrors(400)
@OrganisationAdmin()
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UserAdministration) {}

  @Get()
  @ApiOkResponse({ type: AdministeredUserDto, isArray: true })
  @ApiOperation({ summary: 'the users of your organisation (or of `organisationId`, for district administrators)' })
  @ApiError(403, 'not an administrator, or an organisation you do not administer')
  @ApiError(404, 'no such organisation')
  list(@CurrentActor() administrator: Actor, @Query() query: ListUsersQueryDto): Promise<AdministeredUser[]> {
    return this.users.listUsers(administrator, query.organisationId);
  }

  @Post()
  @ApiCreatedResponse({ type: AdministeredUserDto })
  @ApiOperation({ summary: 'a new user, who signs in with the password given' })
  @ApiError(403, 'not an administrator, or an organisation you do not administer')
  @ApiError(404, 'no such organisation')
  @ApiError(409, 'the username is taken')
  @ApiAuthenticatedWrite()
  create(@CurrentActor() administrator: Actor, @Body() body: CreateUserDto): Promise<AdministeredUser> {
    const { username, displayName, role, password, organisationId, isAdministrator } = body;
    return this.users.createUser(administrator, { username, displayName, role, password, organisationId, isAdministrator });
  }

  @Patch(':username')
  @ApiOkResponse({ type: AdministeredUserDto })
  @ApiOperation({ summary: 'rename, disable or enable a user, or give or take their administration' })
  @ApiError(404, 'no such user among those you administer')
  @ApiError(409, 'administrators cannot disable themselves or give up their own administration')
  @ApiAuthenticatedWrite()
  update(@CurrentActor() administrator: Actor, @Param('username') username: string, @Body() body: UpdateUserDto): Promise<AdministeredUser> {
    const { displayName, disabled, isAdministrator } = body;
    if (displayName === undefined && disabled === undefined && isAdministrator === undefined) {
      throw new BadRequestException(['give at least one of displayName, disabled, isAdministrator']);
    }
    return this.users.updateUser(administrator, username, { displayName, disabled, isAdministrator });
  }

  @Post(':username/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'reset a user’s password' })
  @ApiNoContentResponse({ description: 'the password is replaced and the user is signed out everywhere' })
  @ApiError(404, 'no such user among those you administer')
  @ApiAuthenticatedWrite()
  async resetPassword(@CurrentActor() administrator: Actor, @Param('username') username: string, @Body() body: PasswordDto): Promise<void> {
    await this.users.resetPassword(administrator, username, body.password);
  }
}
