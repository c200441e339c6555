import { ArrowLeftOutlined, CheckCircleFilled, CloseCircleFilled, DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Empty, Grid, Skeleton, Slider, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useEffect, useState, type HTMLAttributes } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError, unwrap, type Schemas } from '../../api/client';
import { RefusalAlert, useAction, useLoad } from '../../shared/actions';
import { useLabel, useT } from '../../shared/i18n';
import { Result } from '../../shared/result';
import {
  CATEGORY,
  CLOSING_REASON,
  ESCALATION_REASON,
  EVENT_TYPE,
  NOTIFICATION_CHANNEL,
  NOTIFICATION_PROVIDER,
  NOTIFICATION_TEMPLATE,
  RETURN_REASON,
  STATUS,
  SUPPRESSION_REASON,
  TIER,
  URGENCY,
  type NotificationTemplate,
} from '../../shared/labels';
import { downloadExport, HashText, problemMeaning, useActorRole, useOrganisationNames, type ExportFormat } from './audit-tools';
import { formatTime } from '../../shared/time';

type HistoryEntry = Schemas['HistoryEntryDto'];
type ChainProblem = Schemas['ChainProblemDto'];

/** 案件审计: a case's every event with its hashes and the chain's verdict, the case as of any moment, who saw its resident. */
export default function CaseAuditPage() {
  const t = useT();
  const { caseId = '' } = useParams();
  const history = useLoad(async () => unwrap(await api.GET('/audit/cases/{caseId}/history', { params: { path: { caseId } } })), [caseId]);
  const back = (
    <Link to="/audit">
      <ArrowLeftOutlined /> {t('返回审计', 'Back to audit')}
    </Link>
  );
  if (history.error) {
    const missing = history.error instanceof ApiError && (history.error.status === 404 || history.error.status === 400);
    return missing ? (
      <Result status="404" title={t('未找到该案件', 'No such case')} subTitle={caseId} extra={back} />
    ) : (
      <Space direction="vertical" style={{ width: '100%' }}>
        {back}
        <RefusalAlert error={history.error} />
      </Space>
    );
  }
  if (!history.data) return <Skeleton active paragraph={{ rows: 8 }} />;
  const { events, verification, notifications } = history.data;
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      {back}
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('案件审计', 'Case audit')}{' '}
        <Typography.Text copyable style={{ fontSize: 14, fontWeight: 'normal', wordBreak: 'break-all' }}>
          {caseId}
        </Typography.Text>
      </Typography.Title>
      <ChainVerdict verification={verification} />
      <EventHistory caseId={caseId} events={events} problems={verification.problems} />
      <NotificationHistory notifications={notifications} />
      {events.length > 0 ? <StateAsOf caseId={caseId} events={events} /> : null}
      <PersonalDataReads caseId={caseId} />
    </Space>
  );
}

function ChainVerdict({ verification }: { verification: Schemas['ChainVerificationDto'] }) {
  const t = useT();
  if (verification.intact) {
    return (
      <Alert
        type="success"
        showIcon
        icon={<CheckCircleFilled />}
        data-testid="chain-verdict"
        data-intact="true"
        message={t('哈希链完整', 'The hash chain is intact')}
        description={t(`全部 ${verification.eventCount} 个事件的哈希均已重新计算并逐一衔接，未被篡改。`, `All ${verification.eventCount} events recomputed and chained: nothing was altered.`)}
      />
    );
  }
  const revisions = [...new Set(verification.problems.map((problem) => problem.revision))];
  return (
    <Alert
      type="error"
      showIcon
      icon={<CloseCircleFilled />}
      data-testid="chain-verdict"
      data-intact="false"
      message={t(`哈希链断裂：第 ${revisions.join('、')} 号事件`, `The hash chain is broken at event ${revisions.join(', ')}`)}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 18 }}>
          {verification.problems.map((problem) => (
            <li key={`${problem.eventId}/${problem.problem}`}>
              #{problem.revision} {problemMeaning(problem.problem, t)}（{problem.problem}）
            </li>
          ))}
        </ul>
      }
    />
  );
}

function EventHistory({ caseId, events, problems }: { caseId: string; events: HistoryEntry[]; problems: ChainProblem[] }) {
  const t = useT();
  const label = useLabel();
  const actorRole = useActorRole();
  const organisation = useOrganisationNames();
  const screens = Grid.useBreakpoint();
  const problemsOf = (event: HistoryEntry) => problems.filter((problem) => problem.eventId === event.eventId);
  const columns: TableColumnsType<HistoryEntry> = [
    { title: '#', dataIndex: 'revision', width: 48 },
    { title: t('时间', 'When'), dataIndex: 'recordedAt', width: 160, render: (at: string) => <Instant iso={at} /> },
    {
      title: t('事件', 'Event'),
      dataIndex: 'type',
      width: 120,
      render: (type: string) => (
        <>
          <Tag color="blue">{label(EVENT_TYPE[type], type)}</Tag>
          {screens.md ? (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {type}
            </Typography.Text>
          ) : null}
        </>
      ),
    },
    {
      title: t('操作人', 'Actor'),
      key: 'actor',
      width: 190,
      responsive: ['md'],
      render: (_, event) => (
        <>
          {actorRole(event.actor.role)} · {organisation(event.actor.organisationId)}
          <br />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {event.actor.userId}
          </Typography.Text>
        </>
      ),
    },
    { title: t('层级', 'Tier'), dataIndex: 'tier', width: 60, responsive: ['md'], render: (tier: keyof typeof TIER) => label(TIER[tier]) },
    { title: t('哈希', 'Hash'), dataIndex: 'hash', width: 180, responsive: ['md'], render: (hash: string) => <HashText hash={hash} label={t('哈希', 'Hash')} /> },
    { title: t('前一哈希', 'Previous hash'), dataIndex: 'previousHash', width: 180, responsive: ['md'], render: (hash: string) => <HashText hash={hash} label={t('前一哈希', 'Previous hash')} /> },
    {
      title: t('校验', 'Check'),
      key: 'check',
      width: 160,
      // Where the chain breaks is the point of the screen: kept in sight however a desk's table scrolls.
      fixed: screens.md ? 'right' : undefined,
      render: (_, event) => {
        const found = problemsOf(event);
        if (found.length === 0) return <Tag color="success">{t('✓ 已校验', '✓ Verified')}</Tag>;
        return (
          <Space direction="vertical" size={2}>
            <Tag color="error" icon={<CloseCircleFilled />}>
              {t('链在此断裂', 'Chain breaks here')}
            </Tag>
            {found.map((problem) => (
              <Typography.Text key={problem.problem} type="danger" style={{ fontSize: 12 }}>
                {problemMeaning(problem.problem, t)}
              </Typography.Text>
            ))}
          </Space>
        );
      },
    },
  ];
  const exporting = useAction((_key: string, format: ExportFormat) => downloadExport({ format, caseId }), { quiet: true });
  return (
    <Card title={t(`事件历史（${events.length}）`, `History (${events.length} events)`)}>
      <Space wrap style={{ marginBottom: 12 }}>
        <Typography.Text>{t('导出本案事件：', 'Export this case’s events:')}</Typography.Text>
        <Button icon={<DownloadOutlined />} onClick={() => void exporting.run('jsonl')} loading={exporting.pending}>
          JSON Lines
        </Button>
        <Button icon={<DownloadOutlined />} onClick={() => void exporting.run('csv')} loading={exporting.pending}>
          CSV
        </Button>
      </Space>
      <RefusalAlert error={exporting.error} />
      <Table
        rowKey="eventId"
        size="small"
        columns={columns}
        dataSource={events}
        pagination={false}
        scroll={screens.md ? { x: 1110 } : undefined}
        onRow={(event) => {
          const broken = problemsOf(event).length > 0;
          // The row where the chain breaks stands out in red (its tag says so in words); data-broken marks it for tests.
          return { 'data-broken': String(broken), ...(broken ? { style: { background: '#fff1f0' } } : {}) } as HTMLAttributes<HTMLElement>;
        }}
        expandable={{
          expandedRowRender: (event) => <EventData event={event} />,
          expandRowByClick: false,
        }}
      />
    </Card>
  );
}

interface NotificationData {
  template: NotificationTemplate;
  recipient: { kind: 'resident' } | { kind: 'organisation'; organisationId: string };
  channel?: string;
  via?: string;
  reason?: string;
  error?: string;
  attempts?: number;
}

const OUTCOME_COLOUR: Record<string, string> = { NotificationSent: 'success', NotificationFailed: 'error', NotificationSuppressed: 'default' };

/** 通知记录: what the case's people were told, when, and how (from the stream beside the case's, with its own chain). */
function NotificationHistory({ notifications }: { notifications: Schemas['NotificationHistoryDto'] }) {
  const t = useT();
  const label = useLabel();
  const organisation = useOrganisationNames();
  const { events, verification } = notifications;
  const columns: TableColumnsType<HistoryEntry> = [
    { title: t('时间', 'When'), dataIndex: 'recordedAt', width: 160, render: (at: string) => <Instant iso={at} /> },
    {
      title: t('结果', 'Outcome'),
      dataIndex: 'type',
      width: 110,
      render: (type: string) => <Tag color={OUTCOME_COLOUR[type]}>{label(EVENT_TYPE[type], type)}</Tag>,
    },
    { title: t('消息', 'Message'), key: 'template', width: 150, render: (_, event) => label(NOTIFICATION_TEMPLATE[(event.data as unknown as NotificationData).template]) },
    {
      title: t('对象', 'To'),
      key: 'recipient',
      width: 170,
      render: (_, event) => {
        const { recipient } = event.data as unknown as NotificationData;
        return recipient.kind === 'resident' ? t('居民', 'The resident') : organisation(recipient.organisationId);
      },
    },
    {
      title: t('渠道与说明', 'Channel and notes'),
      key: 'channel',
      render: (_, event) => {
        const data = event.data as unknown as NotificationData;
        const reason = label(SUPPRESSION_REASON[data.reason ?? ''], data.reason);
        if (!data.channel) return reason;
        const channel = label(NOTIFICATION_CHANNEL[data.channel], data.channel);
        const via = label(NOTIFICATION_PROVIDER[data.via ?? ''], data.via);
        if (event.type === 'NotificationSuppressed') return `${channel} · ${reason}`;
        if (event.type === 'NotificationFailed') return t(`${channel} · ${via} · 尝试 ${data.attempts} 次后失败：${data.error}`, `${channel} · ${via} · failed after ${data.attempts} attempts: ${data.error}`);
        return `${channel} · ${via}`;
      },
    },
  ];
  return (
    <Card
      title={t(`通知记录（${events.length}）`, `Notifications (${events.length})`)}
      extra={
        verification.intact ? (
          <Tag color="success" icon={<CheckCircleFilled />}>
            {t('链完整', 'Chain intact')}
          </Tag>
        ) : (
          <Tag color="error" icon={<CloseCircleFilled />}>
            {t('链已断裂', 'Chain broken')}
          </Tag>
        )
      }
    >
      {events.length === 0 ? (
        <Empty description={t('本案尚未发出任何通知', 'No notification sent about this case yet')} />
      ) : (
        <Table rowKey="eventId" size="small" columns={columns} dataSource={events} pagination={false} scroll={{ x: 760 }} />
      )}
    </Card>
  );
}

/** The whole envelope of an event: on a phone, also what its row has no room for. */
/** Date and time, each kept whole when a narrow column wraps them. */
function Instant({ iso }: { iso: string }) {
  const [date, time] = formatTime(iso, 'second').split(' ');
  return (
    <>
      <span style={{ whiteSpace: 'nowrap' }}>{date}</span> <span style={{ whiteSpace: 'nowrap' }}>{time}</span>
    </>
  );
}

function EventData({ event }: { event: HistoryEntry }) {
  const t = useT();
  const label = useLabel();
  const actorRole = useActorRole();
  const organisation = useOrganisationNames();
  const mono = { fontFamily: 'monospace', wordBreak: 'break-all' } as const;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }}>
        <Descriptions.Item label={t('操作人', 'Actor')}>
          {actorRole(event.actor.role)} · {organisation(event.actor.organisationId)} · {event.actor.userId}
        </Descriptions.Item>
        <Descriptions.Item label={t('层级', 'Tier')}>{label(TIER[event.tier])}</Descriptions.Item>
        <Descriptions.Item label={t('哈希', 'Hash')}>
          <span style={mono}>{event.hash}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('前一哈希', 'Previous hash')}>
          <span style={mono}>{event.previousHash}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('事件编号', 'Event id')}>{event.eventId}</Descriptions.Item>
        <Descriptions.Item label={t('全局位置', 'Global position')}>{event.globalPosition}</Descriptions.Item>
        <Descriptions.Item label={t('关联编号', 'Correlation id')}>{event.correlationId}</Descriptions.Item>
        <Descriptions.Item label={t('起因编号', 'Causation id')}>{event.causationId}</Descriptions.Item>
        {event.personalData ? (
          <Descriptions.Item label={t('居民个人信息', 'Resident’s personal data')}>
            {event.personalData.encrypted
              ? event.personalData.erased
                ? t('已加密，密钥已删除（已被删除）', 'Encrypted, key deleted (erased)')
                : t(`已加密存储（化名 ${event.personalData.subjectId?.slice(0, 12)}…）`, `Encrypted as stored (pseudonym ${event.personalData.subjectId?.slice(0, 12)}…)`)
              : t('明文存储，此处已遮蔽', 'Stored in clear, masked here')}
          </Descriptions.Item>
        ) : null}
      </Descriptions>
      <pre style={{ margin: 0, maxHeight: 320, overflow: 'auto', fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{JSON.stringify(event.data, null, 2)}</pre>
    </Space>
  );
}

function StateAsOf({ caseId, events }: { caseId: string; events: HistoryEntry[] }) {
  const t = useT();
  const label = useLabel();
  const last = events[events.length - 1].revision;
  const [revision, setRevision] = useState(last);
  const [shown, setShown] = useState(last);
  useEffect(() => {
    setRevision(last);
    setShown(last);
  }, [last]);
  const asOf = useLoad(async () => unwrap(await api.GET('/audit/cases/{caseId}/state', { params: { path: { caseId }, query: { revision: shown } } })), [caseId, shown]);
  const eventAt = (r: number) => events.find((event) => event.revision === r);
  const describe = (r: number) => {
    const event = eventAt(r);
    return event ? `#${r} ${label(EVENT_TYPE[event.type], event.type)} · ${formatTime(event.recordedAt, 'second')}` : `#${r}`;
  };
  const marks = Object.fromEntries([events[0], events[events.length - 1]].map((event) => [event.revision, label(EVENT_TYPE[event.type], event.type)]));
  return (
    <Card title={t('案件状态回溯', 'The case as of a moment')}>
      <Typography.Paragraph style={{ marginBottom: 4 }}>
        {t('拖动滑块（或用方向键）选择时间点，查看案件在该事件之后的状态。', 'Move the slider (or use the arrow keys) to see the case just after that event.')}
      </Typography.Paragraph>
      <div style={{ padding: '0 16px' }}>
        <Slider
          min={events[0].revision}
          max={last}
          step={1}
          value={revision}
          marks={marks}
          onChange={setRevision}
          onChangeComplete={setShown}
          tooltip={{ formatter: (value) => (value === undefined ? '' : describe(value)) }}
          ariaLabelForHandle={t('回溯到的事件', 'Event to go back to')}
          ariaValueTextFormatterForHandle={(value) => (value === undefined ? '' : describe(value))}
        />
      </div>
      <Typography.Paragraph strong data-testid="as-of">
        {t('截至', 'As of')} {describe(shown)}
      </Typography.Paragraph>
      <RefusalAlert error={asOf.error} />
      {asOf.data ? <CaseState state={asOf.data.state} /> : <Skeleton active />}
    </Card>
  );
}

function CaseState({ state }: { state: Schemas['CaseStateDto'] }) {
  const t = useT();
  const label = useLabel();
  const organisation = useOrganisationNames();
  const list = (values: string[]) => (values.length > 0 ? values.join('、') : '—');
  return (
    <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} data-testid="case-state">
      <Descriptions.Item label={t('状态', 'Status')}>
        <Tag color={STATUS[state.status].color}>{label(STATUS[state.status])}</Tag>
      </Descriptions.Item>
      <Descriptions.Item label={t('办理层级', 'Tier')}>{label(TIER[state.tier])}</Descriptions.Item>
      <Descriptions.Item label={t('类别', 'Category')}>{state.category ? label(CATEGORY[state.category]) : '—'}</Descriptions.Item>
      <Descriptions.Item label={t('紧急程度', 'Urgency')}>{state.urgency ? label(URGENCY[state.urgency]) : '—'}</Descriptions.Item>
      <Descriptions.Item label={t('社区', 'Community')}>{organisation(state.communityId)}</Descriptions.Item>
      <Descriptions.Item label={t('小区 / 楼栋', 'Compound / building')}>
        {organisation(state.compoundId)} {state.building ?? ''}
      </Descriptions.Item>
      <Descriptions.Item label={t('承办单位', 'Assignee')}>{state.task ? organisation(state.task.assigneeOrganisationId) : '—'}</Descriptions.Item>
      <Descriptions.Item label={t('任务', 'Task')}>
        {state.task ? (state.task.signedFor ? t('已签收', 'Signed for') : t('待签收', 'Awaiting sign-for')) : t('无进行中的任务', 'No running task')}
      </Descriptions.Item>
      <Descriptions.Item label={t('计时', 'Clock')}>{state.paused ? t(`暂停中（${state.paused.reason}）`, `Paused (${state.paused.reason})`) : t('正常', 'Running')}</Descriptions.Item>
      <Descriptions.Item label={t('重办次数', 'Redos')}>{state.redoCount}</Descriptions.Item>
      <Descriptions.Item label={t('退单', 'Returned')}>
        {state.lastReturn ? `${organisation(state.lastReturn.by)}：${label(RETURN_REASON[state.lastReturn.reason])}` : '—'}
      </Descriptions.Item>
      <Descriptions.Item label={t('升级原因', 'Escalated for')}>{list(state.escalatedFor.map((reason) => label(ESCALATION_REASON[reason])))}</Descriptions.Item>
      <Descriptions.Item label={t('联席会', 'Council')}>
        {state.council ? `${organisation(state.council.councilId)}：${state.council.question}${state.council.decision ? t('（已决议）', ' (decided)') : ''}` : '—'}
      </Descriptions.Item>
      <Descriptions.Item label={t('结案原因', 'Closed for')}>{state.closedReason ? label(CLOSING_REASON[state.closedReason]) : '—'}</Descriptions.Item>
      <Descriptions.Item label={t('合并至', 'Merged into')}>{state.duplicateOf ?? '—'}</Descriptions.Item>
    </Descriptions>
  );
}

function PersonalDataReads({ caseId }: { caseId: string }) {
  const t = useT();
  const actorRole = useActorRole();
  const organisation = useOrganisationNames();
  const screens = Grid.useBreakpoint();
  const reads = useLoad(async () => unwrap(await api.GET('/audit/cases/{caseId}/personal-data-reads', { params: { path: { caseId } } })), [caseId]);
  const columns: TableColumnsType<Schemas['PersonalDataReadDto']> = [
    { title: t('查看时间', 'Read at'), dataIndex: 'readAt', width: 170, render: (at: string) => <Instant iso={at} /> },
    {
      title: t('查看人', 'Reader'),
      key: 'user',
      render: (_, read) => (
        <>
          {read.reader.userId}
          {screens.md ? null : (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
              {actorRole(read.reader.role)} · {organisation(read.reader.organisationId)}
            </Typography.Text>
          )}
        </>
      ),
    },
    { title: t('角色', 'Role'), key: 'role', responsive: ['md'], render: (_, read) => actorRole(read.reader.role) },
    { title: t('单位', 'Organisation'), key: 'organisation', responsive: ['md'], render: (_, read) => organisation(read.reader.organisationId) },
    {
      title: t('居民化名', 'Resident pseudonym'),
      dataIndex: 'subjectId',
      responsive: ['md'],
      render: (subjectId: string | null) => (subjectId ? <HashText hash={subjectId} label={t('居民化名', 'Resident pseudonym')} /> : t('（明文登记）', '(filed in clear)')),
    },
  ];
  return (
    <Card title={t('居民个人信息查看记录', 'Who saw the resident’s personal data')}>
      <Typography.Paragraph type="secondary">
        {t('每次向工作人员完整显示居民姓名、电话与门牌号，都会留下记录。', 'Every time a user was shown the resident’s name, phone and unit in full is recorded.')}
      </Typography.Paragraph>
      <RefusalAlert error={reads.error} />
      <Table
        rowKey={(read) => `${read.readAt}/${read.reader.userId}`}
        size="small"
        loading={reads.loading}
        columns={columns}
        dataSource={reads.data?.reads}
        scroll={screens.md ? { x: 720 } : undefined}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t('尚无人查看过该居民的完整信息', 'No one has seen the resident in full')} /> }}
      />
    </Card>
  );
}
