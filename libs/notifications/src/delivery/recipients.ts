import { DEMO_ORGANISATIONS } from '@yixin/directory';
import { NOTIFICATION_CHANNELS, type NotificationChannel, type PlannedNotification } from '@yixin/domain';
import type { NotificationsConfig, OrganisationContact } from '@yixin/config';
import type { MessageChannel } from '../channels/channel';

const DEMO_ORGANISATION_IDS: ReadonlySet<string> = new Set(DEMO_ORGANISATIONS.map((organisation) => organisation.id));

/** How each recipient is reached: the channels configured, and the organisations' contacts. */
export class Recipients {
  constructor(
    private readonly config: NotificationsConfig,
    private readonly channels: Partial<Record<NotificationChannel, MessageChannel>>,
  ) {}

  /** The channels a message goes out on: a resident's phone (read only at delivery); every channel an organisation has an address on. */
  channelsOf({ recipient }: PlannedNotification): NotificationChannel[] {
    if (recipient.kind === 'resident') return this.channels.sms ? ['sms'] : [];
    return NOTIFICATION_CHANNELS.filter((channel) => this.organisationAddress(recipient.organisationId, channel) !== undefined);
  }

  /** Where an organisation is reached on a channel, if it is: its email, its phone, its WeCom robot (or the outbox standing in for it). */
  organisationAddress(organisationId: string, channel: NotificationChannel): string | undefined {
    if (!this.channels[channel]) return undefined;
    const contact = this.contactOf(organisationId);
    if (channel === 'email') return contact.email;
    if (channel === 'sms') return contact.phone;
    return this.config.wecom === 'outbox' ? organisationId : contact.wecomWebhookUrl;
  }

  // The demo organisations (npm start's) have no contacts of their own: they are mailed at the demo domain, which the mail catcher takes.
  private contactOf(organisationId: string): OrganisationContact {
    return this.config.contacts[organisationId] ?? (DEMO_ORGANISATION_IDS.has(organisationId) ? { email: `${organisationId}@demo.yixin.local` } : {});
  }
}
