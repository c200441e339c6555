import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import { DEMO_USERS, DirectoryService, ORGANISATION_KINDS, type OrganisationKind } from '@yixin/directory';
import type { Role } from '@yixin/domain';
import { PERSON_ROLES } from '../admin/admin-users.dto';
import { ApiSignedIn } from '../api-errors';
import { Public } from '../auth/auth.decorators';

export class OrganisationView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ORGANISATION_KINDS }) kind!: OrganisationKind;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ description: 'the organisation it belongs to: a compound’s community, a community’s street, …' }) parentId?: string;
  @ApiPropertyOptional({ description: 'for a compound: the property project serving it' }) propertyCompanyId?: string;
}

export class DemoUserView {
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: PERSON_ROLES }) role!: Role;
  @ApiProperty() organisationId!: string;
  @ApiProperty() isAdministrator!: boolean;
}

/** What the console's pickers and sign-in page need of the directory. */
@ApiTags('directory')
@Controller()
export class DirectoryController {
  constructor(
    private readonly directory: DirectoryService,
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
  ) {}

  @Get('directory/organisations')
  @ApiSignedIn()
  @ApiOperation({ summary: 'the organisations: districts, streets, communities, compounds, property companies, owners’ committees, councils' })
  @ApiOkResponse({ type: [OrganisationView] })
  organisations(): OrganisationView[] {
    return ORGANISATION_KINDS.flatMap((kind) => this.directory.organisationsOfKind(kind));
  }

  @Public()
  @Get('auth/demo-users')
  @ApiOperation({ summary: 'the demo users, listed on the sign-in page; empty unless the demo data is seeded (embedded mode)' })
  @ApiOkResponse({ type: [DemoUserView] })
  demoUsers(): DemoUserView[] {
    if (!this.config.seedDemoData) return [];
    return DEMO_USERS.map(({ username, displayName, role, organisationId, isAdministrator }) => ({
      username,
      displayName,
      role,
      organisationId,
      isAdministrator: isAdministrator ?? false,
    }));
  }
}
