import { Module } from '@nestjs/common';
import { GetPublicCaseHandler, GetPublicCasesHandler, SearchPublicCasesHandler } from './public-case.queries';

/** Open311 GeoReport v2's queries of public cases (the API serves them: apps/api/src/open311). */
@Module({ providers: [SearchPublicCasesHandler, GetPublicCasesHandler, GetPublicCaseHandler] })
export class Open311Module {}
