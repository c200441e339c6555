import { BadRequestException, Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserAdministration, type AdministeredUser } from '../../../../libs/application/src';
import type { Actor } from '../../../../libs/domain/src';
import { CurrentActor, OrganisationAdmin } from '../auth/auth.decorators';
import { AdministeredUserDto, CreateUserDto, ListUsersQueryDto, PasswordDto, UpdateUserDto } from './admin-users.dto';

/**
 * An organisation's administrators manage its users; the district's administrators manage those of
 * every organisation under the district. Another organisation's user is not found.
 */
@ApiTags('administration')
@ApiBearerAuth()
@OrganisationAdmin()
@Controller('admin/users')
export class AdminUsersController {
  constructor(private readonly users: UserAdministration) {}

  @Get()
  @ApiOkResponse({ type: AdministeredUserDto, isArray: true })
  @ApiOperation({ summary: 'the users of your organisation (or of `organisationId`, for district administrators)' })
  list(@CurrentActor() administrator: Actor, @Query() query: ListUsersQueryDto): Promise<AdministeredUser[]> {
    return this.users.listUsers(administrator, query.organisationId);
  }

  @Post()
  @ApiCreatedResponse({ type: AdministeredUserDto })
  @ApiOperation({ summary: 'a new user, who signs in with the password given' })
  create(@CurrentActor() administrator: Actor, @Body() body: CreateUserDto): Promise<AdministeredUser> {
    const { username, displayName, role, password, organisationId, isAdministrator } = body;
    return this.users.createUser(administrator, { username, displayName, role, password, organisationId, isAdministrator });
  }

  @Patch(':username')
  @ApiOkResponse({ type: AdministeredUserDto })
  @ApiOperation({ summary: 'rename, disable or enable a user, or give or take their administration' })
  update(@CurrentActor() administrator: Actor, @Param('username') username: string, @Body() body: UpdateUserDto): Promise<AdministeredUser> {
    const { displayName, disabled, isAdministrator } = body;
    if (displayName === undefined && disabled === undefined && isAdministrator === undefined) {
      throw new BadRequestException(['give at least one of displayName, disabled, isAdministrator']);
    }
    return this.users.updateUser(administrator, username, { displayName, disabled, isAdministrator });
  }

  @Post(':username/password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the password is replaced and the user is signed out everywhere' })
  async resetPassword(@CurrentActor() administrator: Actor, @Param('username') username: string, @Body() body: PasswordDto): Promise<void> {
    await this.users.resetPassword(administrator, username, body.password);
  }
}
