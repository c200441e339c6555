import { isClosedStatus, type PublicCase } from '@yixin/open311';
import { CATEGORIES, type CaseStatus } from '@yixin/domain';
import type { XmlValue } from './xml';

/** Statuses the domain adds before they get a note here show their own name. */
const STATUS_NOTES: Partial<Record<CaseStatus, string>> = {
  filed: '已受理，待派单 / received, to be dispatched',
  awaiting_sign_for: '已派单，待物业签收 / dispatched, awaiting sign-for by the property company',
  in_progress: '物业办理中 / being handled by the property company',
  resolved: '已办理，待回访居民 / handled, the resident is to be called back',
  awaiting_redo: '居民不满意，待重办 / the resident was not satisfied; to be redone',
  closed: '已办结 / closed',
};

export const SERVICE_NOTICE =
  '社区受理后派单至小区物业限时办理，办结前回访居民 / the community dispatches it to the compound’s property company with deadlines and calls the resident back before closing';

/**
 * A case as a GeoReport v2 service request. Built from a PublicCase, which holds nothing of the
 * resident, and the address stops at the building: Open311 GET is public.
 */
export function toServiceRequest(publicCase: PublicCase, nameOf: (organisationId: string) => string): XmlValue {
  return {
    service_request_id: publicCase.caseId,
    status: isClosedStatus(publicCase.status) ? 'closed' : 'open',
    status_notes: STATUS_NOTES[publicCase.status] ?? publicCase.status.replace(/_/g, ' '),
    service_name: CATEGORIES[publicCase.category],
    service_code: publicCase.category,
    description: publicCase.description,
    agency_responsible: nameOf(publicCase.assigneeOrganisationId ?? publicCase.communityId),
    service_notice: SERVICE_NOTICE,
    requested_datetime: publicCase.filedAt,
    updated_datetime: publicCase.updatedAt,
    expected_datetime: publicCase.resolveBy ?? '',
    address: `${nameOf(publicCase.compoundId)} ${publicCase.building}`,
    address_id: publicCase.compoundId,
    zipcode: '',
    media_url: '',
  };
}
