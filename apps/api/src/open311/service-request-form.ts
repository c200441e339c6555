import { HttpStatus } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { FileComplaintDto } from '../cases/case.dto';
import { Open311Error } from './open311-errors';
import { SERVICE_ATTRIBUTES } from './service-catalog';

/** The community a key files for, and the compounds an `address_id` may name. */
export interface Intake {
  communityId: string;
  communityName: string;
  compoundIds: readonly string[];
}

interface Problem {
  field: string;
  description: string;
}

const NAME_FIELD = 'first_name/last_name';

/** The Open311 field each property of a complaint comes from, to name it in problems. */
const FIELD_OF_PROPERTY: Record<string, string> = {
  'resident.name': NAME_FIELD,
  'resident.phone': 'phone',
  'location.compoundId': 'address_id',
  'location.building': 'attribute[building]',
  'location.unit': 'attribute[unit]',
  category: 'service_code',
  urgency: 'attribute[urgency]',
  description: 'description',
};

const REQUIRED_FIELDS = [
  'service_code',
  'address_id',
  ...SERVICE_ATTRIBUTES.filter((attribute) => attribute.required).map((attribute) => `attribute[${attribute.code}]`),
  'phone',
  'description',
];

/**
 * The fields of `POST requests`, form-encoded as the spec says or JSON, as one flat map of
 * trimmed texts: `attribute[building]` whether the body parser nested it (`{attribute: {building}}`)
 * or not. Empty fields count as absent, as forms send them. Fields GeoReport defines that a
 * complaint does not use (lat, long, email, media_url, …) are accepted and ignored.
 */
export class ServiceRequestForm {
  private constructor(private readonly fields: ReadonlyMap<string, string>, private readonly problems: readonly Problem[]) {}

  static read(body: unknown): ServiceRequestForm {
    const fields = new Map<string, string>();
    const problems: Problem[] = [];
    const read = (name: string, value: unknown): void => {
      if (value === undefined || value === null) return;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        const text = String(value).trim();
        if (text !== '') fields.set(name, text);
      } else if (name === 'attribute' && typeof value === 'object' && !Array.isArray(value)) {
        for (const [code, attributeValue] of Object.entries(value)) read(`attribute[${code}]`, attributeValue);
      } else {
        problems.push({ field: name, description: `${name} must be given once, as text` });
      }
    };
    if (body !== undefined && (typeof body !== 'object' || body === null || Array.isArray(body))) {
      problems.push({ field: 'body', description: 'the body must be form fields (application/x-www-form-urlencoded) or a JSON object' });
    } else {
      for (const [name, value] of Object.entries(body ?? {})) read(name, value);
    }
    return new ServiceRequestForm(fields, problems);
  }

  get apiKey(): string | undefined {
    return this.fields.get('api_key');
  }

  /**
   * The complaint the form describes, checked by the same rules as `POST /cases`; or an
   * Open311Error (400) listing every problem, each under the Open311 field it concerns.
   */
  toComplaint(intake: Intake): FileComplaintDto {
    const field = (name: string) => this.fields.get(name);
    const problems = [...this.problems];
    for (const name of REQUIRED_FIELDS) {
      if (field(name) === undefined) problems.push({ field: name, description: `${name} is required` });
    }
    if (field('first_name') === undefined && field('last_name') === undefined) {
      problems.push({ field: NAME_FIELD, description: 'first_name or last_name is required: the community calls the resident back' });
    }
    const addressId = field('address_id');
    if (addressId !== undefined && !intake.compoundIds.includes(addressId)) {
      problems.push({ field: 'address_id', description: `address_id ${addressId} is not a compound of ${intake.communityName}, for which this api_key files` });
    }
    const attributeCodes = SERVICE_ATTRIBUTES.map((attribute) => attribute.code);
    for (const name of this.fields.keys()) {
      const code = /^attribute\[(.*)\]$/.exec(name)?.[1];
      if (code !== undefined && !attributeCodes.includes(code)) {
        problems.push({ field: name, description: `${name} is not an attribute of this service; it has ${attributeCodes.join(', ')}` });
      }
    }

    const complaint = plainToInstance(
      FileComplaintDto,
      {
        resident: { name: residentName(field('first_name') ?? '', field('last_name') ?? ''), phone: field('phone') },
        location: { communityId: intake.communityId, compoundId: addressId, building: field('attribute[building]'), unit: field('attribute[unit]') },
        category: field('service_code'),
        urgency: field('attribute[urgency]'),
        description: field('description'),
        channel: 'hotline_transfer',
      },
      { exposeUnsetFields: false },
    );
    const reported = new Set(problems.map((problem) => problem.field));
    problems.push(...problemsOf(validateSync(complaint, { stopAtFirstError: true })).filter((problem) => !reported.has(problem.field)));
    if (problems.length > 0) throw new Open311Error(HttpStatus.BAD_REQUEST, problems.map((problem) => problem.description));
    return complaint;
  }
}

/** Chinese names are written surname first and without a space; others given name first. */
function residentName(firstName: string, lastName: string): string {
  const han = /^\p{Script=Han}*$/u;
  return han.test(firstName) && han.test(lastName) ? lastName + firstName : [firstName, lastName].filter(Boolean).join(' ');
}

/** Problems the DTO's rules found, renamed after the Open311 fields they came from. */
function problemsOf(errors: readonly ValidationError[], parentPath = ''): Problem[] {
  return errors.flatMap((error) => {
    const path = parentPath + error.property;
    const field = FIELD_OF_PROPERTY[path] ?? path;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      description: message.startsWith(`${error.property} `) ? field + message.slice(error.property.length) : `${field}: ${message}`,
    }));
    return [...own, ...problemsOf(error.children ?? [], `${path}.`)];
  });
}
