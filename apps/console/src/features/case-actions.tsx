import { Button, DatePicker, Form, Grid, Input, InputNumber, Modal, Radio, Rate, Select, Space, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import type { Dayjs } from 'dayjs';
import { useState, type ReactNode } from 'react';
import { api, unwrap, type Schemas } from '../api/client';
import { useSession, type SignedIn } from '../api/session';
import { RefusalAlert, useAction } from '../shared/actions';
import { useLabel, useT, type Translate } from '../shared/i18n';
import { CATEGORY, ORGANISATION_KIND, STATUS, type CaseStatus, type Tier } from '../shared/labels';
import { formatTime } from '../shared/time';
import type { Organisation } from './organisations';

type CaseView = Schemas['CaseViewDto'];
type Answer = Schemas['CaseCommandResponse'];

/** The routes of the actions on a case that take a body or none; each answers `{caseId, revision, status, appended}`. */
type ActionPath =
  | '/cases/{caseId}/call-back'
  | '/cases/{caseId}/withdraw'
  | '/cases/{caseId}/merge'
  | '/cases/{caseId}/unmerge'
  | '/cases/{caseId}/clock/pause'
  | '/cases/{caseId}/clock/resume'
  | '/cases/{caseId}/redispatch'
  | '/cases/{caseId}/extension/grant'
  | '/cases/{caseId}/extension/refuse'
  | '/cases/{caseId}/deadline/extend'
  | '/cases/{caseId}/return/reject'
  | '/cases/{caseId}/council-referral'
  | '/cases/{caseId}/council/session'
  | '/cases/{caseId}/council/decision'
  | '/cases/{caseId}/ruling'
  | '/cases/{caseId}/reopen';

/** Who may be given a compound's task: its property company and its owners' committee, as the API checks. */
function assigneesOf(organisations: readonly Organisation[], compoundId: string): Organisation[] {
  const compound = organisations.find((organisation) => organisation.id === compoundId && organisation.kind === 'compound');
  if (!compound) return [];
  return organisations.filter(
    (organisation) =>
      (organisation.kind === 'property_company' && organisation.id === compound.propertyCompanyId) ||
      (organisation.kind === 'owners_committee' && organisation.parentId === compound.id),
  );
}

async function command(path: ActionPath, caseId: string, idempotencyKey: string, body?: object): Promise<Answer> {
  const result = await api.POST(path, {
    params: { path: { caseId } },
    headers: { 'Idempotency-Key': idempotencyKey },
    // The actions without a body (resume, unmerge, grant) send none.
    body: body as never,
  });
  return unwrap(result) as Answer;
}

/** The API's `Prose` (case-actions.dto.ts): 1 to 2000 characters with something visible. */
const PROSE_MAX = 2000;
const RUNNING: readonly CaseStatus[] = ['awaiting_sign_for', 'in_progress'];
const REDISPATCHABLE: readonly CaseStatus[] = ['filed', 'awaiting_sign_for', 'in_progress', 'returned', 'awaiting_redo', 'before_council', 'council_decided'];
const REFERABLE: readonly CaseStatus[] = ['filed', 'awaiting_sign_for', 'in_progress', 'returned', 'awaiting_redo', 'resolved'];
const MERGEABLE: readonly CaseStatus[] = ['filed', 'awaiting_sign_for'];
const HANDLING_ROLE: Record<Tier, SignedIn['role']> = { community: 'community_staff', street: 'street_officer', district: 'district_officer' };

/**
 * The form warns as the clerk types, with the API's own rules, but does not stop the sending: the API
 * is the one judge, and what it refuses comes back in its own words with nothing appended.
 */
function proseRules(t: Translate, what: { zh: string; en: string }): Rule[] {
  return [
    {
      warningOnly: true,
      validator: async (_rule, value: unknown) => {
        const text = typeof value === 'string' ? value : '';
        if (!/\S/.test(text)) throw new Error(t(`请填写${what.zh}`, `Enter the ${what.en}`));
        const length = [...text].length;
        if (length > PROSE_MAX) throw new Error(t(`${what.zh}最多 ${PROSE_MAX} 字（现有 ${length} 字）`, `At most ${PROSE_MAX} characters (now ${length})`));
      },
    },
  ];
}

/** A validator rather than `required`, which would put aria-required on a select's wrapper, where axe refuses it. */
function chosenRule(t: Translate, what: { zh: string; en: string }): Rule[] {
  return [
    {
      warningOnly: true,
      validator: async (_rule, value: unknown) => {
        if (value === undefined || value === null || value === '') throw new Error(t(`请选择${what.zh}`, `Choose the ${what.en}`));
      },
    },
  ];
}

function Prose({ name, label, t, rows = 3 }: { name: string; label: { zh: string; en: string }; t: Translate; rows?: number }) {
  return (
    <Form.Item name={name} label={t(label.zh, label.en)} rules={proseRules(t, label)} required>
      <Input.TextArea rows={rows} showCount={{ formatter: ({ count }) => `${count} / ${PROSE_MAX}` }} />
    </Form.Item>
  );
}

interface ActionSpec {
  /** Stable, for tests and keys. */
  id: string;
  label: string;
  danger?: boolean;
  primary?: boolean;
  /** What the action does, above its form. */
  explanation?: ReactNode;
  fields?: ReactNode;
  initialValues?: Record<string, unknown>;
  submit(idempotencyKey: string, values: Record<string, unknown>): Promise<Answer>;
}

/** A button that opens its action's form in a dialog; the dialog stays open with what was typed while the API refuses it. */
function ActionButton({ spec, onDone }: { spec: ActionSpec; onDone(answer: Answer): void }) {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const action = useAction((key: string, values: Record<string, unknown>) => spec.submit(key, values), { success: t(`${spec.label}：已完成`, `${spec.label}: done`), quiet: true });
  const finish = async (values: Record<string, unknown>) => {
    const answer = await action.run(values);
    if (!answer) return;
    setOpen(false);
    form.resetFields();
    onDone(answer);
  };
  return (
    <>
      <Button danger={spec.danger} type={spec.primary ? 'primary' : 'default'} size={screens.md ? 'middle' : 'large'} block={!screens.md} onClick={() => setOpen(true)} data-action={spec.id}>
        {spec.label}
      </Button>
      <Modal
        open={open}
        title={spec.label}
        okText={t('提交', 'Submit')}
        cancelText={t('取消', 'Cancel')}
        // Disabled rather than `loading` while the API answers: the loading icon's leave motion can linger, and its label with it.
        okButtonProps={{ danger: spec.danger, disabled: action.pending }}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        forceRender
      >
        {spec.explanation ? <Typography.Paragraph type="secondary">{spec.explanation}</Typography.Paragraph> : null}
        {/* Named, so that its fields' ids (the form's name, then the field's) stay unique among the dialogs of the page. */}
        <Form form={form} name={`case-action-${spec.id}`} layout="vertical" initialValues={spec.initialValues} onFinish={(values: Record<string, unknown>) => void finish(values)} aria-label={spec.label}>
          {spec.fields}
          <RefusalAlert error={action.error} />
        </Form>
      </Modal>
    </>
  );
}

/** The actions the signed-in user may take on the case now, by role and by the case's state (libs/domain/src/case/decide-case.ts). */
function useCaseActionSpecs(view: CaseView, organisations: readonly Organisation[]): ActionSpec[] {
  const user = useSession();
  const t = useT();
  const label = useLabel();
  if (!user) return [];
  const { caseId, status, tier, task } = view;
  const open = status !== 'closed';
  const running = RUNNING.includes(status);
  const isStaff = user.role === 'community_staff';
  const handles = open && user.role === HANDLING_ROLE[tier];
  const isOfficer = user.role === 'street_officer' || user.role === 'district_officer';
  const assignees = assigneesOf(organisations, view.location.compoundId);
  const assigneeOptions = assignees.map((organisation) => ({ value: organisation.id, label: `${organisation.name}（${label(ORGANISATION_KIND[organisation.kind])}）` }));
  const assigneeOf = (organisationId: unknown) => {
    const chosen = assignees.find((organisation) => organisation.id === organisationId);
    return chosen ? { organisationId: chosen.id, kind: chosen.kind } : undefined;
  };
  const specs: ActionSpec[] = [];

  if (isStaff && status === 'resolved') {
    specs.push({
      id: 'call-back',
      label: t('回访', 'Call back'),
      primary: true,
      explanation: t('满意则结案；不满意则重办；三次联系不上则结案。', 'Satisfied closes the case; not satisfied has it redone; unreachable three times closes it.'),
      initialValues: { outcome: 'satisfied' },
      fields: <CallBackFields t={t} />,
      submit: (key, { outcome, rating, note }) =>
        command('/cases/{caseId}/call-back', caseId, key, {
          outcome,
          ...(outcome === 'unreachable' || rating === undefined ? {} : { rating }),
          ...(typeof note === 'string' && note !== '' ? { note } : {}),
        }),
    });
  }
  if (isStaff && running && !view.paused) {
    specs.push({
      id: 'pause',
      label: t('暂停计时', 'Pause the clock'),
      explanation: t('等待居民期间停止计时；恢复后各时限顺延暂停的时长。', 'The clock stops while the case waits for the resident; resumed, the deadlines move back by the pause.'),
      fields: <Prose name="reason" label={{ zh: '暂停原因', en: 'reason' }} t={t} />,
      submit: (key, { reason }) => command('/cases/{caseId}/clock/pause', caseId, key, { reason }),
    });
  }
  if (isStaff && open && view.paused) {
    specs.push({
      id: 'resume',
      label: t('恢复计时', 'Resume the clock'),
      primary: true,
      explanation: t(`计时自 ${formatTime(view.paused.since)} 起暂停：${view.paused.reason}`, `Paused since ${formatTime(view.paused.since)}: ${view.paused.reason}`),
      submit: (key) => command('/cases/{caseId}/clock/resume', caseId, key),
    });
  }
  if (handles && status === 'returned') {
    specs.push({
      id: 'reject-return',
      label: t('驳回退单', 'Reject the return'),
      explanation: t('退单理由不成立：任务按原时限退回承办单位。', 'The return is unjustified: the task goes back to its assignee with its original deadlines.'),
      fields: <Prose name="reason" label={{ zh: '驳回理由', en: 'reason' }} t={t} />,
      submit: (key, { reason }) => command('/cases/{caseId}/return/reject', caseId, key, { reason }),
    });
  }
  if (handles && running && task?.extensionRequest) {
    const { extension, reason } = task.extensionRequest;
    const asked = extension.hours !== undefined ? t(`${extension.hours} 小时`, `${extension.hours} hours`) : t(`${extension.workingDays} 个工作日`, `${extension.workingDays} working days`);
    const request = t(`承办单位申请延期 ${asked}：${reason}`, `The assignee asks for ${asked} more: ${reason}`);
    specs.push({ id: 'grant-extension', label: t('同意延期', 'Grant the extension'), primary: true, explanation: request, submit: (key) => command('/cases/{caseId}/extension/grant', caseId, key) });
    specs.push({
      id: 'refuse-extension',
      label: t('不予延期', 'Refuse the extension'),
      explanation: request,
      fields: <Prose name="reason" label={{ zh: '不予延期的理由', en: 'reason' }} t={t} />,
      submit: (key, { reason }) => command('/cases/{caseId}/extension/refuse', caseId, key, { reason }),
    });
  }
  if (handles && running && !task?.extensionRequest && task?.deadlines.resolve) {
    specs.push({
      id: 'extend-deadline',
      label: t('延长办结时限', 'Extend the deadline'),
      explanation: t('主动延长办结时限。', 'Extend the resolve deadline on your own initiative.'),
      initialValues: { unit: 'workingDays' },
      fields: <DurationFields t={t} />,
      submit: (key, { unit, amount, reason }) => command('/cases/{caseId}/deadline/extend', caseId, key, { extension: { [String(unit)]: amount }, reason }),
    });
  }
  if (handles && REDISPATCHABLE.includes(status)) {
    specs.push({
      id: 'redispatch',
      label: t('改派', 'Re-dispatch'),
      explanation: t('只能改派给本小区的物业公司或业主委员会。', 'Only to the compound’s property company or owners’ committee.'),
      fields: (
        <>
          <Form.Item name="assignee" label={t('承办单位', 'Assignee')} rules={chosenRule(t, { zh: '承办单位', en: 'assignee' })}>
            <Select options={assigneeOptions} placeholder={t('请选择', 'Choose')} />
          </Form.Item>
          <Prose name="reason" label={{ zh: '改派原因', en: 'reason' }} t={t} />
        </>
      ),
      submit: (key, { assignee, reason }) => command('/cases/{caseId}/redispatch', caseId, key, { assignee: assigneeOf(assignee), reason }),
    });
  }
  if (handles && REFERABLE.includes(status)) {
    specs.push({
      id: 'council-referral',
      label: t('提交联席会', 'Refer to a council'),
      explanation: t('物业职责争议交物业联席会；业主事项交业委会联席会。', 'Disputed responsibilities go to the property council; owners’ matters to the owners’ council.'),
      initialValues: { council: 'property_council' },
      fields: (
        <>
          <Form.Item name="council" label={t('联席会', 'Council')}>
            <Radio.Group
              options={[
                { value: 'property_council', label: label(ORGANISATION_KIND.property_council) },
                { value: 'owners_council', label: label(ORGANISATION_KIND.owners_council) },
              ]}
            />
          </Form.Item>
          <Prose name="question" label={{ zh: '议题', en: 'question' }} t={t} />
        </>
      ),
      submit: (key, { council, question }) => command('/cases/{caseId}/council-referral', caseId, key, { council, question }),
    });
  }
  if (isStaff && MERGEABLE.includes(status)) {
    specs.push({
      id: 'merge',
      label: t('并案', 'Merge'),
      explanation: t('本案与另一件未结案件重复：并入该案，不再单独派单。', 'This case repeats another open one: merge it into that case.'),
      fields: <MergeFields view={view} />,
      submit: (key, { primaryCaseId }) => command('/cases/{caseId}/merge', caseId, key, { primaryCaseId }),
    });
  }
  if (isStaff && status === 'duplicate') {
    specs.push({
      id: 'unmerge',
      label: t('取消并案', 'Unmerge'),
      explanation: t('撤销并案，本案单独派单办理。', 'Undo the merge: the case is dispatched on its own.'),
      submit: (key) => command('/cases/{caseId}/unmerge', caseId, key),
    });
  }
  if (handles && tier !== 'community') {
    specs.push({
      id: 'ruling',
      label: t('裁定结案', 'Close with a ruling'),
      danger: true,
      explanation: t('督办层级作出裁定，案件即告结案。', 'The supervising tier rules, and the case closes.'),
      fields: <Prose name="ruling" label={{ zh: '裁定内容', en: 'ruling' }} t={t} rows={4} />,
      submit: (key, { ruling }) => command('/cases/{caseId}/ruling', caseId, key, { ruling }),
    });
  }
  if (isOfficer && status === 'closed') {
    specs.push({
      id: 'reopen',
      label: t('重新开启', 'Reopen'),
      danger: true,
      fields: <Prose name="reason" label={{ zh: '重新开启的理由', en: 'reason' }} t={t} />,
      submit: (key, { reason }) => command('/cases/{caseId}/reopen', caseId, key, { reason }),
    });
  }
  if (isStaff && open) {
    specs.push({
      id: 'withdraw',
      label: t('居民撤诉', 'Withdraw'),
      danger: true,
      explanation: t('居民撤回投诉，案件以撤诉结案。', 'The resident withdraws the complaint; the case closes as withdrawn.'),
      fields: <Prose name="note" label={{ zh: '居民的说法', en: 'note of what the resident said' }} t={t} />,
      submit: (key, { note }) => command('/cases/{caseId}/withdraw', caseId, key, { note }),
    });
  }
  if (user.role === 'council_member' && view.council?.councilId === user.organisationId && status === 'before_council') {
    specs.push(...councilSpecs(caseId, { convened: Boolean(view.council.sessionId), decided: Boolean(view.council.decision) }, assignees, t, label));
  }
  return specs;
}

/** How far a council has come with a case: a session convened, a decision recorded. */
export interface CouncilProgress {
  convened: boolean;
  decided: boolean;
}

/** Convening and deciding: the council's secretariat, on the case page and on its agenda. */
function councilSpecs(
  caseId: string,
  council: CouncilProgress,
  assignees: readonly Organisation[],
  t: Translate,
  label: ReturnType<typeof useLabel>,
): ActionSpec[] {
  const specs: ActionSpec[] = [];
  specs.push({
    id: 'convene',
    label: council.convened ? t('重新安排会议', 'Convene again') : t('召开联席会', 'Convene a session'),
    primary: !council.convened,
    explanation: t('以联席会全体成员召开会议。', 'A session with the council’s members.'),
    fields: (
      <Form.Item name="scheduledFor" label={t('会议时间', 'When')} rules={chosenRule(t, { zh: '会议时间', en: 'time' })} required>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
      </Form.Item>
    ),
    submit: (key, { scheduledFor }) => command('/cases/{caseId}/council/session', caseId, key, { scheduledFor: (scheduledFor as Dayjs | undefined)?.toISOString() }),
  });
  if (council.convened && !council.decided) {
    specs.push({
      id: 'decision',
      label: t('记录决议', 'Record the decision'),
      primary: true,
      explanation: t('决议写明由谁、做什么、何时完成；随后按任务派给承办单位。', 'Who does what by when; it is then dispatched as a task.'),
      initialValues: { mode: 'vote', vote: { for: 0, against: 0, abstain: 0 } },
      fields: <DecisionFields t={t} assignees={assignees} label={label} />,
      submit: (key, { decision, assignee, dueBy, mode, vote }) => {
        const chosen = assignees.find((organisation) => organisation.id === assignee);
        return command('/cases/{caseId}/council/decision', caseId, key, {
          decision,
          assignee: chosen ? { organisationId: chosen.id, kind: chosen.kind } : undefined,
          dueBy: (dueBy as Dayjs | undefined)?.toISOString(),
          ...(mode === 'vote' ? { vote } : {}),
        });
      },
    });
  }
  return specs;
}

function CallBackFields({ t }: { t: Translate }) {
  const outcome = Form.useWatch('outcome') as string | undefined;
  return (
    <>
      <Form.Item name="outcome" label={t('回访结果', 'Outcome')}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          options={[
            { value: 'satisfied', label: t('满意', 'Satisfied') },
            { value: 'not_satisfied', label: t('不满意', 'Not satisfied') },
            { value: 'unreachable', label: t('联系不上', 'Unreachable') },
          ]}
        />
      </Form.Item>
      {outcome === 'unreachable' ? null : (
        <Form.Item
          name="rating"
          label={t('满意度评分（1–5 星）', 'Rating (1–5 stars)')}
          rules={[{ warningOnly: true, validator: async (_rule, value: unknown) => { if (!value) throw new Error(t('请评分', 'Give a rating')); } }]}
        >
          <Rate aria-label={t('满意度评分', 'Rating')} />
        </Form.Item>
      )}
      <Form.Item name="note" label={t('备注（选填）', 'Note (optional)')}>
        <Input.TextArea rows={2} showCount={{ formatter: ({ count }) => `${count} / ${PROSE_MAX}` }} />
      </Form.Item>
    </>
  );
}

function DurationFields({ t }: { t: Translate }) {
  const unit = Form.useWatch('unit') as string | undefined;
  return (
    <>
      <Form.Item name="unit" label={t('延长方式', 'Counted in')}>
        <Radio.Group
          options={[
            { value: 'workingDays', label: t('工作日', 'Working days') },
            { value: 'hours', label: t('小时', 'Hours') },
          ]}
        />
      </Form.Item>
      <Form.Item
        name="amount"
        label={unit === 'hours' ? t('延长小时数（0.5–720）', 'Hours (0.5–720)') : t('延长工作日数（1–60）', 'Working days (1–60)')}
        rules={[{ warningOnly: true, required: true, message: t('请填写延长多久', 'Enter how long') }]}
        required
      >
        <InputNumber style={{ width: '100%' }} />
      </Form.Item>
      <Prose name="reason" label={{ zh: '延期理由', en: 'reason' }} t={t} />
    </>
  );
}

function DecisionFields({ t, assignees, label }: { t: Translate; assignees: readonly Organisation[]; label: ReturnType<typeof useLabel> }) {
  const mode = Form.useWatch('mode') as string | undefined;
  return (
    <>
      <Prose name="decision" label={{ zh: '决议内容（由谁做什么）', en: 'decision (who does what)' }} t={t} rows={3} />
      <Form.Item name="assignee" label={t('承办单位', 'Assignee')} rules={chosenRule(t, { zh: '承办单位', en: 'assignee' })}>
        <Select placeholder={t('请选择', 'Choose')} options={assignees.map((organisation) => ({ value: organisation.id, label: `${organisation.name}（${label(ORGANISATION_KIND[organisation.kind])}）` }))} />
      </Form.Item>
      <Form.Item name="dueBy" label={t('完成期限', 'Due by')} rules={chosenRule(t, { zh: '完成期限', en: 'due date' })} required>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
      </Form.Item>
      <Form.Item name="mode" label={t('表决方式', 'How decided')}>
        <Radio.Group
          options={[
            { value: 'vote', label: t('投票表决', 'By vote') },
            { value: 'consensus', label: t('协商一致', 'By consensus') },
          ]}
        />
      </Form.Item>
      {mode === 'vote' ? (
        <Space wrap>
          <Form.Item name={['vote', 'for']} label={t('赞成', 'For')}>
            <InputNumber min={0} precision={0} />
          </Form.Item>
          <Form.Item name={['vote', 'against']} label={t('反对', 'Against')}>
            <InputNumber min={0} precision={0} />
          </Form.Item>
          <Form.Item name={['vote', 'abstain']} label={t('弃权', 'Abstain')}>
            <InputNumber min={0} precision={0} />
          </Form.Item>
        </Space>
      ) : null}
    </>
  );
}

/** The open cases at the same compound, to merge this one into. */
function MergeFields({ view }: { view: CaseView }) {
  const t = useT();
  const label = useLabel();
  const [options, setOptions] = useState<{ value: string; label: string }[]>();
  const load = () => {
    if (options) return;
    void api
      .GET('/cases', { params: { query: { compoundId: view.location.compoundId, limit: 100 } } })
      .then(unwrap)
      .then((page) =>
        setOptions(
          page.items
            .filter((row) => row.caseId !== view.caseId && row.status !== 'closed' && row.status !== 'duplicate')
            .map((row) => ({ value: row.caseId, label: `${row.building} · ${label(CATEGORY[row.category])} · ${label(STATUS[row.status])} · ${row.description.slice(0, 24)}` })),
        ),
      )
      .catch(() => setOptions([]));
  };
  return (
    <Form.Item name="primaryCaseId" label={t('并入的案件', 'Merge into')} rules={chosenRule(t, { zh: '并入的案件', en: 'case' })}>
      <Select showSearch optionFilterProp="label" loading={!options} onDropdownVisibleChange={(visible) => visible && load()} onFocus={load} options={options ?? []} placeholder={t('同小区的未结案件', 'An open case of the same compound')} />
    </Form.Item>
  );
}

/** Every action the signed-in user may take on the case now, as buttons; none, and it says so. */
export function CaseActions({ view, organisations, onDone }: { view: CaseView; organisations: readonly Organisation[]; onDone(answer: Answer): void }) {
  const t = useT();
  const specs = useCaseActionSpecs(view, organisations);
  if (specs.length === 0) return <Typography.Text type="secondary">{t('当前没有您可以执行的操作。', 'Nothing for you to do on this case now.')}</Typography.Text>;
  return (
    <Space wrap style={{ width: '100%' }}>
      {specs.map((spec) => (
        <ActionButton key={spec.id} spec={spec} onDone={onDone} />
      ))}
    </Space>
  );
}

/** The council's secretariat's actions on a case of its agenda. */
export function CouncilActions({
  caseId,
  compoundId,
  council,
  organisations,
  onDone,
}: {
  caseId: string;
  compoundId: string;
  council: CouncilProgress;
  organisations: readonly Organisation[];
  onDone(answer: Answer): void;
}) {
  const t = useT();
  const label = useLabel();
  const specs = councilSpecs(caseId, council, assigneesOf(organisations, compoundId), t, label);
  return (
    <Space wrap>
      {specs.map((spec) => (
        <ActionButton key={spec.id} spec={spec} onDone={onDone} />
      ))}
    </Space>
  );
}
