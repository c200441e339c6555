import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { NOTIFICATION_TEMPLATES, type NotificationTemplate } from '@yixin/domain';
import { isOutboxCursor, OUTBOX_CHANNELS, type OutboxChannelKind } from '@yixin/notifications';

export class OutboxQueryDto {
  @ApiPropertyOptional({ enum: OUTBOX_CHANNELS, description: 'only SMS, or only WeCom' })
  @IsOptional()
  @IsIn(OUTBOX_CHANNELS)
  channel?: OutboxChannelKind;

  @ApiPropertyOptional({ description: 'the `nextCursor` of the page before: the older messages' })
  @IsOptional()
  @ValidateBy({
    name: 'isOutboxCursor',
    validator: { validate: isOutboxCursor, defaultMessage: () => 'cursor must be the nextCursor of an earlier answer, unchanged' },
  })
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', default: 20, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;
}

export class OutboxMessageDto {
  @ApiProperty({ example: '42', description: 'also the delivery receipt’s providerMessageId' }) id!: string;
  @ApiProperty({ description: 'the delivery’s idempotency key' }) deliveryKey!: string;
  @ApiProperty({ enum: OUTBOX_CHANNELS }) channel!: OutboxChannelKind;
  @ApiProperty({ example: '138****5678', description: 'an SMS’s phone, masked (the whole number is never kept); a WeCom message’s organisation id' })
  recipient!: string;
  @ApiProperty({ enum: NOTIFICATION_TEMPLATES }) template!: NotificationTemplate;
  @ApiProperty({ description: 'the message as it would have been sent' }) text!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class OutboxPageDto {
  @ApiProperty({ type: [OutboxMessageDto], description: 'newest first' }) items!: OutboxMessageDto[];
  @ApiProperty({ type: String, nullable: true, description: 'pass as `cursor` for the older messages; null on the last page' }) nextCursor!: string | null;
}
