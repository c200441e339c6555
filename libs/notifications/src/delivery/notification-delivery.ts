import { Inject, Injectable } from '@nestjs/common';
import type { CaseClock, NotificationChannel } from '@yixin/domain';
import { YIXIN_CONFIG, type YixinConfig } from '@yixin/config';
import type { CheckpointStore, EventStore } from '@yixin/event-store';
import { PersonalDataService } from '@yixin/privacy';
import { CASE_CLOCK, CHECKPOINT_STORE, EVENT_STORE } from '@yixin/stores';
import type { NotificationActivities } from '../../../../workflows/src/notification-messages';
import { AlibabaSmsChannel } from '../channels/alibaba-sms';
import type { MessageChannel } from '../channels/channel';
import { SmtpEmailChannel } from '../channels/smtp-email';
import { TencentSmsChannel } from '../channels/tencent-sms';
import { WecomWebhookChannel } from '../channels/wecom-webhook';
import { LocalOutbox, OutboxChannel } from '../outbox/local-outbox';
import { createNotificationActivities } from './notification-activities';
import { Recipients } from './recipients';

/** The channels configuration names, who is reached on which, and the activities that plan and send the cases' messages over them. */
@Injectable()
export class NotificationDelivery {
  readonly channels: Partial<Record<NotificationChannel, MessageChannel>>;
  readonly recipients: Recipients;

  constructor(
    @Inject(YIXIN_CONFIG) private readonly config: YixinConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CHECKPOINT_STORE) private readonly checkpoints: CheckpointStore,
    @Inject(CASE_CLOCK) private readonly clock: CaseClock,
    private readonly personalData: PersonalDataService,
    outbox: LocalOutbox,
  ) {
    const { sms, wecom, smtp } = config.notifications;
    this.channels = {
      sms: sms.provider === 'alibaba' ? new AlibabaSmsChannel(sms) : sms.provider === 'tencent' ? new TencentSmsChannel(sms) : new OutboxChannel('sms', outbox),
      wecom: wecom === 'outbox' ? new OutboxChannel('wecom', outbox) : new WecomWebhookChannel(),
      ...(smtp ? { email: new SmtpEmailChannel(smtp) } : {}),
    };
    this.recipients = new Recipients(config.notifications, this.channels);
  }

  activities(): NotificationActivities {
    return createNotificationActivities({
      store: this.store,
      checkpoints: this.checkpoints,
      clock: this.clock,
      personalData: this.personalData,
      config: this.config.notifications,
      channels: this.channels,
      recipients: this.recipients,
      centerOrganisationId: this.config.centerOrganisationId,
    });
  }
}
