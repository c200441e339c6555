import { Injectable } from '@nestjs/common';
import {
  isEncrypted,
  type Actor,
  type CaseState,
  type EncryptedPersonalData,
  type PersonalData,
  type RecordedPersonalData,
  type Resident,
} from '@yixin/domain';
import type { RecordedEvent } from '@yixin/event-store';
import { maskPersonalData, maskResident, maySeeResident } from '@yixin/directory';
import { open, seal } from './personal-data-crypto';
import { PersonalDataKeys } from './personal-data-keys';
import { PersonalDataReadLog } from './personal-data-reads';

/** What a viewer is shown of a case's resident. */
export type ResidentView =
  | (Resident & { masked: false })
  /** Filed in clear before personal data was encrypted: masked for this viewer. */
  | (Resident & { masked: true })
  /** Encrypted, and not decrypted for this viewer. */
  | { masked: true; encrypted: true }
  | { erased: true };

export interface ResidentDisclosure {
  resident: ResidentView;
  /** Only with the resident in full. */
  unit?: string;
}

/** What an event holds of a resident, as the auditor is told beside the event. */
export type PersonalDataInEvent =
  | { encrypted: true; subjectId: string; keyId: string; erased: boolean }
  /** Filed in clear; the event's data shows it masked, so its hash does not recompute from what is shown. */
  | { encrypted: false; masked: true };

/**
 * Residents' personal data in and out of the log: encrypted under the resident's own key before
 * the domain sees a complaint, decrypted only for those who may see it (recorded each time), and
 * unreadable for everyone once the key is erased.
 */
@Injectable()
export class PersonalDataService {
  constructor(private readonly keys: PersonalDataKeys, private readonly reads: PersonalDataReadLog) {}

  async encryptForCase(caseId: string, communityId: string, personalData: PersonalData, at: string): Promise<EncryptedPersonalData> {
    const subjectId = await this.keys.subjectIdOf(personalData.phone);
    const { keyId, key } = await this.keys.currentKeyOf(subjectId, communityId, at);
    await this.keys.recordCase(caseId, subjectId, keyId);
    const sealed = seal(Buffer.from(JSON.stringify(personalData), 'utf8'), key, dataContext(caseId, subjectId, keyId));
    return { subjectId, keyId, ...sealed };
  }

  /** The resident as the viewer may see them. Showing them in full is recorded first: a read that cannot be recorded is not shown. */
  async disclose(viewer: Actor, caseId: string, state: CaseState, recorded: RecordedPersonalData): Promise<ResidentDisclosure> {
    const mayRead = maySeeResident(viewer, state);
    if (!isEncrypted(recorded)) {
      if (!mayRead) return { resident: { ...maskResident(recorded.clear), masked: true } };
      await this.reads.record(caseId, { readAt: new Date().toISOString(), reader: viewer, subjectId: null });
      return inFull(recorded.clear);
    }
    // A key made before keys were per community may still open a case its community erased: the case's own erasure holds.
    if (state.residentKey?.erasedAt !== undefined) return { resident: { erased: true } };
    if (!mayRead) {
      return { resident: (await this.keys.erasedAt(recorded.keyId)) ? { erased: true } : { masked: true, encrypted: true } };
    }
    const dataKey = await this.keys.dataKey(recorded.keyId);
    if ('erasedAt' in dataKey) return { resident: { erased: true } };
    const personalData = JSON.parse(open(recorded, dataKey.key, dataContext(caseId, recorded.subjectId, recorded.keyId)).toString('utf8')) as PersonalData;
    await this.reads.record(caseId, { readAt: new Date().toISOString(), reader: viewer, subjectId: recorded.subjectId });
    return inFull(personalData);
  }

  /**
   * The resident's phone, decrypted for one message at the moment it is sent (the read recorded
   * like any other, by `deliverer`); `erased` once their key is deleted.
   */
  async phoneForDelivery(deliverer: Actor, caseId: string, state: CaseState, recorded: RecordedPersonalData): Promise<{ phone: string } | 'erased'> {
    if (!isEncrypted(recorded)) {
      await this.reads.record(caseId, { readAt: new Date().toISOString(), reader: deliverer, subjectId: null });
      return { phone: recorded.clear.phone };
    }
    if (state.residentKey?.erasedAt !== undefined) return 'erased';
    const dataKey = await this.keys.dataKey(recorded.keyId);
    if ('erasedAt' in dataKey) return 'erased';
    const personalData = JSON.parse(open(recorded, dataKey.key, dataContext(caseId, recorded.subjectId, recorded.keyId)).toString('utf8')) as PersonalData;
    await this.reads.record(caseId, { readAt: new Date().toISOString(), reader: deliverer, subjectId: recorded.subjectId });
    return { phone: personalData.phone };
  }

  /**
   * A stored event as auditors see it. Encrypted personal data is shown as stored: it tells nothing
   * without its key, and the event's hash still recomputes from what is shown. Data filed in clear is masked.
   */
  async forAuditor(event: RecordedEvent): Promise<{ data: Record<string, unknown>; personalData?: PersonalDataInEvent }> {
    const { data } = event;
    if ('resident' in data) return { data: maskPersonalData(data), personalData: { encrypted: false, masked: true } };
    if (!('personalData' in data)) return { data };
    const { subjectId, keyId } = data.personalData as EncryptedPersonalData;
    return { data, personalData: { encrypted: true, subjectId, keyId, erased: (await this.keys.erasedAt(keyId)) !== undefined } };
  }
}

function inFull({ name, phone, unit }: PersonalData): ResidentDisclosure {
  return { resident: { name, phone, masked: false }, ...(unit === undefined ? {} : { unit }) };
}

/** Binds the ciphertext to its case and key: copied into another case's event, it does not decrypt. */
function dataContext(caseId: string, subjectId: string, keyId: string): string {
  return `case/${caseId}/subject/${subjectId}/key/${keyId}`;
}
