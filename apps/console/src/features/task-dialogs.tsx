import { Form, Input, InputNumber, Modal, Radio, Space, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { api, unwrap } from '../api/client';
import { RefusalAlert, useAction } from '../shared/actions';
import { useLabel, useT } from '../shared/i18n';
import { RETURN_REASON, type ReturnReason } from '../shared/labels';
import { PhotoPicker } from './photo-picker';

export type TaskDialogKind = 'progress' | 'resolve' | 'return' | 'extension' | 'pause';

interface NoteForm {
  note: string;
  evidence?: string[];
}
interface ReturnForm {
  reason: ReturnReason;
  note: string;
}
interface ExtensionForm {
  unit: 'hours' | 'workingDays';
  amount: number;
  reason: string;
}
interface ReasonForm {
  reason: string;
}

interface ModalProps {
  caseId: string;
  onClose(): void;
  onDone(): void;
}

/** The dialog of one of the assignee's actions (task-actions.tsx), in a chunk of its own. */
export default function TaskDialog({ kind, committee, ...props }: ModalProps & { kind: TaskDialogKind; committee: boolean }) {
  switch (kind) {
    case 'progress':
    case 'resolve':
      return <EvidencedNoteModal kind={kind} {...props} />;
    case 'return':
      return <ReturnModal committee={committee} {...props} />;
    case 'extension':
      return <ExtensionModal {...props} />;
    case 'pause':
      return <PauseModal {...props} />;
  }
}

/** A text people write, as the API checks it: present, not blank, at most 2000 characters. */
function useProseRules(what: string) {
  const t = useT();
  return [
    { required: true, whitespace: true, message: t(`请填写${what}`, `Enter the ${what}`) },
    { max: 2000, message: t('不能超过 2000 字', 'At most 2000 characters') },
  ];
}

function FormModal({ title, formId, pending, busy, okText, onClose, children }: { title: string; formId: string; pending: boolean; busy?: boolean; okText: string; onClose(): void; children: ReactNode }) {
  const t = useT();
  return (
    <Modal
      open
      title={title}
      onCancel={onClose}
      maskClosable={false}
      destroyOnHidden
      okText={okText}
      cancelText={t('取消', 'Cancel')}
      okButtonProps={{ htmlType: 'submit', form: formId, loading: pending, disabled: busy }}
    >
      {children}
    </Modal>
  );
}

function EvidencedNoteModal({ caseId, kind, onClose, onDone }: ModalProps & { kind: 'progress' | 'resolve' }) {
  const t = useT();
  const [form] = Form.useForm<NoteForm>();
  const [uploading, setUploading] = useState(false);
  const resolve = kind === 'resolve';
  const action = useAction(
    async (key, { note, evidence }: NoteForm) => {
      const body = { note, ...(evidence && evidence.length > 0 ? { evidence } : {}) };
      const params = { path: { caseId }, header: { 'Idempotency-Key': key } };
      return unwrap(resolve ? await api.POST('/cases/{caseId}/task/resolve', { params, body }) : await api.POST('/cases/{caseId}/task/progress', { params, body }));
    },
    { success: resolve ? t('已办结答复', 'Resolved') : t('已报告办理进展', 'Progress reported'), quiet: true },
  );
  const formId = `${kind}-${caseId}`;
  const noteRules = useProseRules(resolve ? t('办结情况', 'what was done') : t('进展情况', 'progress'));
  return (
    <FormModal
      title={resolve ? t('办结答复', 'Resolve the task') : t('办理进展', 'Report progress')}
      formId={formId}
      pending={action.pending}
      busy={uploading}
      okText={resolve ? t('提交办结', 'Resolve') : t('提交进展', 'Report')}
      onClose={onClose}
    >
      <Form form={form} id={formId} layout="vertical" onFinish={(values) => void action.run(values).then((answer) => answer && onDone())} disabled={action.pending}>
        <Form.Item name="note" label={resolve ? t('办结情况说明', 'What was done') : t('进展说明', 'Progress')} rules={noteRules}>
          <Input.TextArea rows={4} showCount maxLength={2000} placeholder={resolve ? t('如：已更换电梯主板，恢复运行', 'e.g. the elevator’s board was replaced') : t('如：已联系维保单位，明日上午更换部件', 'e.g. the maintenance firm comes tomorrow')} />
        </Form.Item>
        <Form.Item name="evidence" label={t('现场照片', 'Photos')} extra={t('最多 10 张，JPEG、PNG 或 WebP', 'Up to 10 JPEG, PNG or WebP photos')}>
          <PhotoPicker caseId={caseId} onBusyChange={setUploading} />
        </Form.Item>
        <RefusalAlert error={action.error} />
      </Form>
    </FormModal>
  );
}

function ReturnModal({ caseId, committee, onClose, onDone }: ModalProps & { committee: boolean }) {
  const t = useT();
  const label = useLabel();
  const [form] = Form.useForm<ReturnForm>();
  const action = useAction(
    async (key, body: ReturnForm) => unwrap(await api.POST('/cases/{caseId}/task/return', { params: { path: { caseId }, header: { 'Idempotency-Key': key } }, body })),
    { success: t('已退单', 'Returned'), quiet: true },
  );
  const reasons = (Object.keys(RETURN_REASON) as ReturnReason[]).filter((reason) => !(committee && reason === 'needs_owners_decision'));
  const formId = `return-${caseId}`;
  const noteRules = useProseRules(t('退单说明', 'explanation'));
  return (
    <FormModal title={t('退单', 'Return the task')} formId={formId} pending={action.pending} okText={t('确认退单', 'Return')} onClose={onClose}>
      <Form form={form} id={formId} layout="vertical" onFinish={(values) => void action.run(values).then((answer) => answer && onDone())} disabled={action.pending}>
        <Form.Item name="reason" label={t('退单理由', 'Reason')} rules={[{ required: true, message: t('请选择退单理由', 'Choose a reason') }]}>
          <Radio.Group>
            <Space direction="vertical">
              {reasons.map((reason) => (
                <Radio key={reason} value={reason}>
                  {label(RETURN_REASON[reason])}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="note" label={t('退单说明', 'Explanation')} rules={noteRules}>
          <Input.TextArea rows={3} showCount maxLength={2000} />
        </Form.Item>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {t('派单错误由社区重新派单；职责有争议提交物业联席会；需业主决策转业主委员会。', 'Wrongly routed goes back to the community; disputed goes to the property council; owners’ matters go to the owners’ committee.')}
        </Typography.Paragraph>
        <RefusalAlert error={action.error} />
      </Form>
    </FormModal>
  );
}

function ExtensionModal({ caseId, onClose, onDone }: ModalProps) {
  const t = useT();
  const [form] = Form.useForm<ExtensionForm>();
  const unit = Form.useWatch('unit', form) ?? 'workingDays';
  const action = useAction(
    async (key, { unit: chosen, amount, reason }: ExtensionForm) =>
      unwrap(
        await api.POST('/cases/{caseId}/task/extension-request', {
          params: { path: { caseId }, header: { 'Idempotency-Key': key } },
          body: { extension: chosen === 'hours' ? { hours: amount } : { workingDays: amount }, reason },
        }),
      ),
    { success: t('已提交延期申请，等待审批', 'Extension requested'), quiet: true },
  );
  const formId = `extension-${caseId}`;
  const reasonRules = useProseRules(t('延期理由', 'reason'));
  const hours = unit === 'hours';
  return (
    <FormModal title={t('申请延期', 'Ask for more time')} formId={formId} pending={action.pending} okText={t('提交申请', 'Ask')} onClose={onClose}>
      <Form form={form} id={formId} layout="vertical" initialValues={{ unit: 'workingDays' }} onFinish={(values) => void action.run(values).then((answer) => answer && onDone())} disabled={action.pending}>
        <Form.Item name="unit" label={t('延期单位', 'Counted in')}>
          <Radio.Group optionType="button" options={[{ value: 'workingDays', label: t('工作日', 'Working days') }, { value: 'hours', label: t('小时', 'Hours') }]} />
        </Form.Item>
        <Form.Item
          name="amount"
          label={hours ? t('延长小时数', 'Hours') : t('延长工作日数', 'Working days')}
          rules={[
            { required: true, message: t('请填写延长多久', 'Enter how much longer') },
            hours
              ? { type: 'number', min: 0.5, max: 720, message: t('0.5 至 720 小时', '0.5 to 720 hours') }
              : { type: 'integer', min: 1, max: 60, message: t('1 至 60 个工作日的整数', 'A whole number of 1 to 60 working days') },
          ]}
        >
          <InputNumber style={{ width: '100%' }} step={hours ? 0.5 : 1} />
        </Form.Item>
        <Form.Item name="reason" label={t('延期理由', 'Reason')} rules={reasonRules}>
          <Input.TextArea rows={3} showCount maxLength={2000} placeholder={t('如：配件需从厂家调货', 'e.g. the part must come from the maker')} />
        </Form.Item>
        <RefusalAlert error={action.error} />
      </Form>
    </FormModal>
  );
}

function PauseModal({ caseId, onClose, onDone }: ModalProps) {
  const t = useT();
  const [form] = Form.useForm<ReasonForm>();
  const action = useAction(
    async (key, body: ReasonForm) => unwrap(await api.POST('/cases/{caseId}/clock/pause', { params: { path: { caseId }, header: { 'Idempotency-Key': key } }, body })),
    { success: t('已暂停计时', 'Clock paused'), quiet: true },
  );
  const formId = `pause-${caseId}`;
  const reasonRules = useProseRules(t('暂停理由', 'reason'));
  return (
    <FormModal title={t('暂停计时', 'Pause the clock')} formId={formId} pending={action.pending} okText={t('暂停', 'Pause')} onClose={onClose}>
      <Form form={form} id={formId} layout="vertical" onFinish={(values) => void action.run(values).then((answer) => answer && onDone())} disabled={action.pending}>
        <Form.Item name="reason" label={t('暂停理由', 'Reason')} rules={reasonRules} extra={t('等待居民期间暂停，恢复后时限顺延。', 'While waiting for the resident; deadlines move back when resumed.')}>
          <Input.TextArea rows={3} showCount maxLength={2000} placeholder={t('如：居民出差，约定下周一入户', 'e.g. the resident is away until Monday')} />
        </Form.Item>
        <RefusalAlert error={action.error} />
      </Form>
    </FormModal>
  );
}
