import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CATEGORY_CODES, URGENCIES } from '@yixin/domain';
import { CONTENT_TYPES } from './open311-format';

/**
 * GeoReport v2's JSON shapes (http://wiki.open311.org/GeoReport_v2). In XML the same fields are
 * elements under the spec's root (`<services>`, `<service_requests>`, `<errors>`…), one element
 * per item of a list (`<service>`, `<request>`, `<error>`…).
 */

export class Open311EndpointDto {
  @ApiProperty({ example: 'http://wiki.open311.org/GeoReport_v2' }) specification!: string;
  @ApiProperty({ example: 'http://127.0.0.1:3000/open311/v2' }) url!: string;
  @ApiProperty() changeset!: string;
  @ApiProperty({ example: 'production' }) type!: string;
  @ApiProperty({ type: [String], example: Object.values(CONTENT_TYPES) }) formats!: string[];
}

export class Open311DiscoveryDto {
  @ApiProperty({ description: 'when this endpoint last changed' }) changeset!: string;
  @ApiProperty({ example: '红领物联服务中心' }) contact!: string;
  @ApiProperty({ description: 'how to get an api_key' }) key_service!: string;
  @ApiProperty({ type: [Open311EndpointDto] }) endpoints!: Open311EndpointDto[];
}

export class Open311ServiceDto {
  @ApiProperty({ enum: CATEGORY_CODES, description: 'the complaint’s category' }) service_code!: string;
  @ApiProperty({ example: '电梯故障' }) service_name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'always true: every service has attributes (GET services/{service_code})' }) metadata!: boolean;
  @ApiProperty({ example: 'realtime' }) type!: string;
  @ApiProperty({ example: '电梯, 困人, 停运' }) keywords!: string;
  @ApiProperty({ example: '设施设备' }) group!: string;
}

export class Open311AttributeValueDto {
  @ApiProperty({ example: 'urgent' }) key!: string;
  @ApiProperty() name!: string;
}

export class Open311AttributeDto {
  @ApiProperty() variable!: boolean;
  @ApiProperty({ example: 'building' }) code!: string;
  @ApiProperty({ enum: ['string', 'singlevaluelist'] }) datatype!: string;
  @ApiProperty() required!: boolean;
  @ApiProperty() datatype_description!: string;
  @ApiProperty() order!: number;
  @ApiProperty() description!: string;
  @ApiPropertyOptional({ type: [Open311AttributeValueDto] }) values?: Open311AttributeValueDto[];
}

export class Open311ServiceDefinitionDto {
  @ApiProperty({ enum: CATEGORY_CODES }) service_code!: string;
  @ApiProperty({ type: [Open311AttributeDto] }) attributes!: Open311AttributeDto[];
}

/** A case as a public service request: nothing of the resident, and the address stops at the building. */
export class Open311ServiceRequestDto {
  @ApiProperty({ format: 'uuid', description: 'the case id' }) service_request_id!: string;
  @ApiProperty({ enum: ['open', 'closed'] }) status!: string;
  @ApiProperty({ description: 'where the case stands' }) status_notes!: string;
  @ApiProperty() service_name!: string;
  @ApiProperty({ enum: CATEGORY_CODES }) service_code!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'the company the task is assigned to, or the community before dispatch' }) agency_responsible!: string;
  @ApiProperty() service_notice!: string;
  @ApiProperty({ format: 'date-time' }) requested_datetime!: string;
  @ApiProperty({ format: 'date-time' }) updated_datetime!: string;
  @ApiProperty({ description: 'the task’s resolve deadline; empty when there is none' }) expected_datetime!: string;
  @ApiProperty({ example: '北辰奥园 3幢', description: 'the compound and the building' }) address!: string;
  @ApiProperty({ example: 'beichen-aoyuan', description: 'the compound' }) address_id!: string;
  @ApiProperty({ description: 'always empty' }) zipcode!: string;
  @ApiProperty({ description: 'always empty' }) media_url!: string;
}

export class Open311FiledRequestDto {
  @ApiProperty({ format: 'uuid', description: 'the case id' }) service_request_id!: string;
  @ApiProperty() service_notice!: string;
}

export class Open311ErrorDto {
  @ApiProperty({ example: 400, description: 'the HTTP status' }) code!: number;
  @ApiProperty({ example: 'phone is required' }) description!: string;
}

/**
 * `POST requests`: form fields (or the same as a JSON object). Fields GeoReport defines that a
 * complaint does not use (lat, long, email, media_url, …) are accepted and ignored.
 */
export class Open311RequestFormDto {
  @ApiProperty({ description: 'the key of a community’s intake (12345 hotline transfers): the request is filed for that community' })
  api_key!: string;

  @ApiProperty({ enum: CATEGORY_CODES, example: 'elevator' }) service_code!: string;
  @ApiProperty({ example: 'beichen-aoyuan', description: 'a compound of the key’s community' }) address_id!: string;
  @ApiProperty({ example: '3幢' }) 'attribute[building]'!: string;
  @ApiPropertyOptional({ example: '2单元1502室', description: 'never published' }) 'attribute[unit]'?: string;
  @ApiPropertyOptional({ enum: URGENCIES, default: 'normal' }) 'attribute[urgency]'?: string;
  @ApiPropertyOptional({ example: '阿姨', description: 'first_name or last_name is required: the community calls the resident back' }) first_name?: string;
  @ApiPropertyOptional({ example: '王' }) last_name?: string;
  @ApiProperty({ example: '13800000000' }) phone!: string;
  @ApiProperty({ example: '3幢电梯停运两天' }) description!: string;
}
