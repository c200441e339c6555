import { Alert, Card, Empty, Grid, List, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { CouncilActions } from '../../features/case-actions';
import { COUNTDOWN_COLOUR, useNow } from '../../features/countdown';
import { refusalTitle, useLoad } from '../../shared/actions';
import { useOrganisations } from '../../features/organisations';
import { useLabel, useLanguage, useT } from '../../shared/i18n';
import { CATEGORY, STATUS } from '../../shared/labels';
import { countdownTo, formatDuration, formatTime } from '../../shared/time';

type AgendaRow = Schemas['AgendaRowDto'];
interface Decision {
  text: string;
  assignee: { organisationId: string };
  dueBy: string;
  vote?: { for: number; against: number; abstain: number };
}

const PAGE_SIZE = 20;

/** 联席会议程: the cases before the signed-in secretary's council, the nearest decide-by first; convene and decide from here. */
export default function AgendaPage() {
  const t = useT();
  const label = useLabel();
  const screens = Grid.useBreakpoint();
  const [page, setPage] = useState(1);
  const agenda = useLoad(
    () => api.GET('/councils/agenda', { params: { query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } } }).then(unwrap),
    [page],
  );
  const directory = useOrganisations();
  const organisations = useMemo(() => [...directory.values()], [directory]);
  const nameOf = (id: string) => directory.get(id)?.name ?? id;

  const columns: TableColumnsType<AgendaRow> = [
    {
      title: t('案件', 'Case'),
      key: 'case',
      width: 220,
      render: (_value, row) => (
        <Space direction="vertical" size={0}>
          <Link to={`/cases/${row.caseId}`}>{`${nameOf(row.compoundId)} ${row.building}`}</Link>
          <Space size={4} wrap>
            <Tag>{label(CATEGORY[row.category])}</Tag>
            <Tag color={STATUS[row.status].color}>{label(STATUS[row.status])}</Tag>
          </Space>
        </Space>
      ),
    },
    { title: t('议题', 'Question'), key: 'question', render: (_value, row) => <Typography.Paragraph style={{ marginBottom: 0 }}>{row.council.question}</Typography.Paragraph> },
    { title: t('决议期限', 'Decide by'), key: 'decideBy', width: 190, render: (_value, row) => <DecideBy decideBy={row.council.decideBy} decided={Boolean(row.council.decision)} /> },
    {
      title: t('会议', 'Session'),
      key: 'session',
      width: 170,
      render: (_value, row) =>
        row.council.session ? (
          <Space direction="vertical" size={0}>
            <span>{formatTime(row.council.session.scheduledFor)}</span>
            <Typography.Text type="secondary">{t(`${row.council.session.members.length} 名成员`, `${row.council.session.members.length} members`)}</Typography.Text>
          </Space>
        ) : (
          <Tag color="gold">{t('尚未召开', 'Not convened')}</Tag>
        ),
    },
    {
      title: t('决议', 'Decision'),
      key: 'decision',
      render: (_value, row) => {
        const decision = row.council.decision as Decision | null;
        if (!decision) return <Typography.Text type="secondary">—</Typography.Text>;
        return (
          <Space direction="vertical" size={0}>
            <span>{decision.text}</span>
            <Typography.Text type="secondary">{t(`${nameOf(decision.assignee.organisationId)}，${formatTime(decision.dueBy)} 前`, `${nameOf(decision.assignee.organisationId)}, by ${formatTime(decision.dueBy)}`)}</Typography.Text>
            {decision.vote ? (
              <Typography.Text type="secondary">{t(`赞成 ${decision.vote.for} · 反对 ${decision.vote.against} · 弃权 ${decision.vote.abstain}`, `${decision.vote.for} for · ${decision.vote.against} against · ${decision.vote.abstain} abstained`)}</Typography.Text>
            ) : (
              <Typography.Text type="secondary">{t('协商一致', 'By consensus')}</Typography.Text>
            )}
          </Space>
        );
      },
    },
    {
      title: t('操作', 'Actions'),
      key: 'actions',
      width: 200,
      render: (_value, row) =>
        row.status === 'before_council' ? (
          <CouncilActions
            caseId={row.caseId}
            compoundId={row.compoundId}
            council={{ convened: Boolean(row.council.session), decided: Boolean(row.council.decision) }}
            organisations={organisations}
            onDone={agenda.reload}
          />
        ) : (
          <Typography.Text type="secondary">{t('待派单', 'To be dispatched')}</Typography.Text>
        ),
    },
  ];

  const pagination = { current: page, pageSize: PAGE_SIZE, total: agenda.data?.total ?? 0, onChange: setPage, showSizeChanger: false, showTotal: (total: number) => t(`共 ${total} 件`, `${total} cases`) };
  return (
    <Card title={t('联席会议程', 'Council agenda')} size={screens.md ? 'default' : 'small'}>
      {agenda.error ? <Alert type="error" showIcon message={refusalTitle(agenda.error, t)} style={{ marginBottom: 12 }} /> : null}
      {screens.md ? (
        <Table<AgendaRow>
          rowKey="caseId"
          columns={columns}
          dataSource={agenda.data?.items ?? []}
          loading={agenda.loading}
          scroll={{ x: 1000 }}
          locale={{ emptyText: <Empty description={t('议程上没有案件', 'Nothing on the agenda')} /> }}
          pagination={pagination}
        />
      ) : (
        // A phone shows each case as a card of label and value, in one column.
        <List<AgendaRow>
          dataSource={agenda.data?.items ?? []}
          loading={agenda.loading}
          locale={{ emptyText: <Empty description={t('议程上没有案件', 'Nothing on the agenda')} /> }}
          pagination={pagination}
          renderItem={(row) => (
            <List.Item key={row.caseId} style={{ display: 'block' }}>
              <Space direction="vertical" size={6} style={{ width: '100%' }}>
                {columns.map((column) => (
                  <div key={String(column.key)}>
                    <Typography.Text type="secondary">{column.title as string}：</Typography.Text>
                    <div>{(column as { render: (value: unknown, row: AgendaRow, index: number) => ReactNode }).render(undefined, row, 0)}</div>
                  </div>
                ))}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

function DecideBy({ decideBy, decided }: { decideBy: string; decided: boolean }) {
  const t = useT();
  const { language } = useLanguage();
  const now = useNow();
  const { state, leftMs } = countdownTo(decideBy, now);
  const size = formatDuration(leftMs, language);
  return (
    <Space direction="vertical" size={0}>
      <span>{formatTime(decideBy)}</span>
      {decided ? (
        <Typography.Text type="secondary">{t('已决议', 'Decided')}</Typography.Text>
      ) : (
        <Typography.Text strong={state !== 'normal'} style={{ color: COUNTDOWN_COLOUR[state] }}>
          {state === 'passed' ? t(`已逾期 ${size}`, `overdue by ${size}`) : t(`剩余 ${size}`, `${size} left`)}
        </Typography.Text>
      )}
    </Space>
  );
}
