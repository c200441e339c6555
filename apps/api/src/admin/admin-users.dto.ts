import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { DISPLAY_NAME_MAX_LENGTH, NOT_BLANK, PASSWORD_MAX_LENGTH, USERNAME_PATTERN, USERNAME_RULE } from '@yixin/directory';
import { ROLES, type Role } from '@yixin/domain';

/** The workflow acts as `system`; no person signs in as it. */
export const PERSON_ROLES = ROLES.filter((role) => role !== 'system');

export class AdministeredUserDto {
  @ApiProperty({ example: 'staff2.xiangyuan' }) username!: string;
  @ApiProperty() userId!: string;
  @ApiProperty({ example: '湘源社区网格员' }) displayName!: string;
  @ApiProperty({ enum: PERSON_ROLES }) role!: Role;
  @ApiProperty({ example: 'xiangyuan' }) organisationId!: string;
  @ApiProperty() isAdministrator!: boolean;
  @ApiProperty() disabled!: boolean;
}

export class ListUsersQueryDto {
  @ApiPropertyOptional({ description: 'another organisation than your own (district administrators: any under the district)' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  organisationId?: string;
}

export class PasswordDto {
  @ApiProperty({ description: 'at least 10 characters, two of letters, digits and others, not containing the username', example: 'Xiangyuan-2026' })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password!: string;
}

export class CreateUserDto extends PasswordDto {
  @ApiProperty({ example: 'staff2.xiangyuan', description: '3–64 of a-z 0-9 . _ -, starting with a letter or digit' })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  username!: string;

  @ApiProperty({ example: '湘源社区网格员' })
  @IsString()
  @Length(1, DISPLAY_NAME_MAX_LENGTH)
  @Matches(NOT_BLANK, { message: 'displayName must not be blank' })
  displayName!: string;

  @ApiProperty({ enum: PERSON_ROLES, description: 'must fit the organisation: community_staff in a community, property_company in a property company, …' })
  @IsIn(PERSON_ROLES)
  role!: Role;

  @ApiPropertyOptional({ description: 'default: your own organisation; district administrators may name any under the district' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  organisationId?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  isAdministrator?: boolean;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, DISPLAY_NAME_MAX_LENGTH)
  @Matches(NOT_BLANK, { message: 'displayName must not be blank' })
  displayName?: string;

  @ApiPropertyOptional({ description: 'a disabled user cannot sign in, and their tokens stop working' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ description: 'changing it signs the user out everywhere, so that no token claims what they no longer are' })
  @IsOptional()
  @IsBoolean()
  isAdministrator?: boolean;
}
