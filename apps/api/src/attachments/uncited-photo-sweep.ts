import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AttachmentStore } from '@yixin/attachments';

const SWEEP_EVERY_MS = 3_600_000;

/**
 * Removes, every hour, the photos uploaded for a case and never cited by its events within
 * ATTACHMENT_UNCITED_GRACE_HOURS. It runs in the API processes, which own the photos: in npm start
 * the API process is the one writer of the SQLite file that holds them. Several API processes on
 * PostgreSQL each sweep; their deletions are idempotent.
 */
@Injectable()
export class UncitedPhotoSweep implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UncitedPhotoSweep.name);
  private timer?: NodeJS.Timeout;

  constructor(private readonly attachments: AttachmentStore) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async sweep(): Promise<void> {
    try {
      const { uploadsRemoved, photosRemoved } = await this.attachments.removeUncited();
      if (uploadsRemoved > 0) this.logger.log({ message: 'removed uploads no event cited within the grace period', uploadsRemoved, photosRemoved });
    } catch (error) {
      this.logger.warn(`sweeping uncited photos failed: ${String(error)}`);
    }
  }
}
