import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Col, Grid, Input, Row, Select, Space, Table, Tag, Typography, type SelectProps, type TableColumnsType } from 'antd';
import { useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import type { operations } from '../../api/schema';
import { useSession } from '../../api/session';
import { RefusalAlert, useLoad } from '../../shared/actions';
import { loadOrganisations, scopeOf } from '../../shared/directory';
import { useLabel, useLanguage, useT } from '../../shared/i18n';
import { CATEGORY, STATUS, TIER, URGENCY, type CaseStatus, type Category, type Tier } from '../../shared/labels';
import { formatDuration, formatTime } from '../../shared/time';

type CaseRow = Schemas['CaseListRowDto'];
type ListQuery = NonNullable<operations['CasesController_listCases']['parameters']['query']>;

const PAGE_SIZES = [20, 50, 100];
/** The filters live in the address, so that going back to the list finds it as it was left, and a list can be shared as a link. */
const FILTERS = ['q', 'status', 'category', 'tier', 'communityId', 'compoundId', 'overdue'] as const;

/**
 * 案件列表: the cases the signed-in user may see (their community, compound or jurisdiction; all for
 * auditors), searched, filtered and paged by the API, newest first.
 */
export default function CaseListPage() {
  const t = useT();
  const label = useLabel();
  const { language } = useLanguage();
  const user = useSession()!;
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [search, setSearch] = useSearchParams();
  const page = Math.max(1, Number(search.get('page')) || 1);
  const pageSize = PAGE_SIZES.includes(Number(search.get('size'))) ? Number(search.get('size')) : PAGE_SIZES[0];
  const filter = Object.fromEntries(FILTERS.map((name) => [name, search.get(name) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;

  const directory = useLoad(loadOrganisations, []);
  const names = new Map((directory.data ?? []).map((organisation) => [organisation.id, organisation.name]));
  const scope = directory.data ? scopeOf(directory.data, user) : { communities: [], compounds: [] };
  const compounds = filter.communityId ? scope.compounds.filter((c) => c.parentId === filter.communityId) : scope.compounds;

  const query: ListQuery = {
    limit: pageSize,
    offset: (page - 1) * pageSize,
    ...(filter.q ? { q: filter.q } : {}),
    ...(filter.status ? { status: filter.status as CaseStatus } : {}),
    ...(filter.category ? { category: filter.category as Category } : {}),
    ...(filter.tier ? { tier: filter.tier as Tier } : {}),
    ...(filter.communityId ? { communityId: filter.communityId } : {}),
    ...(filter.compoundId ? { compoundId: filter.compoundId } : {}),
    ...(filter.overdue === 'true' ? { overdue: true } : {}),
  };
  const cases = useLoad(async () => unwrap(await api.GET('/cases', { params: { query } })), [JSON.stringify(query)]);

  /** Changes the filters and goes back to the first page, whose rows then match them. */
  const setFilter = (changes: Partial<Record<(typeof FILTERS)[number], string | undefined>>) => {
    const next = new URLSearchParams(search);
    for (const [name, value] of Object.entries(changes)) {
      if (value) next.set(name, value);
      else next.delete(name);
    }
    next.delete('page');
    setSearch(next, { replace: true });
  };
  const setPage = (nextPage: number, nextSize: number) => {
    const next = new URLSearchParams(search);
    next.set('page', String(nextSize === pageSize ? nextPage : 1));
    next.set('size', String(nextSize));
    setSearch(next);
  };

  const caseLink = (row: CaseRow, text: React.ReactNode) => <Typography.Link href={`#/cases/${row.caseId}`}>{text}</Typography.Link>;
  const place = (row: CaseRow) => `${names.get(row.compoundId) ?? row.compoundId} ${row.building}`;

  const columns: TableColumnsType<CaseRow> = phone
    ? [
        {
          key: 'case',
          title: t('案件', 'Case'),
          render: (_value, row) => (
            <Space direction="vertical" size={2} style={{ width: '100%' }}>
              <Space size={4} wrap>
                <Tag color={STATUS[row.status].color}>{label(STATUS[row.status])}</Tag>
                {row.urgency === 'urgent' ? <Tag color="red">{label(URGENCY.urgent)}</Tag> : null}
                {row.overdue ? <Tag color="error">{t('超时', 'Overdue')}</Tag> : null}
              </Space>
              {caseLink(row, `${place(row)} · ${label(CATEGORY[row.category])}`)}
              <Typography.Text ellipsis style={{ maxWidth: '100%' }}>
                {row.description}
              </Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatTime(row.filedAt)} · {label(TIER[row.tier])}
              </Typography.Text>
            </Space>
          ),
        },
      ]
    : [
        { key: 'filedAt', title: t('受理时间', 'Filed'), width: 150, render: (_value, row) => formatTime(row.filedAt) },
        { key: 'place', title: t('小区 / 楼幢', 'Compound / building'), width: 170, render: (_value, row) => caseLink(row, place(row)) },
        { key: 'category', title: t('类别', 'Category'), width: 120, render: (_value, row) => label(CATEGORY[row.category]) },
        {
          key: 'description',
          title: t('问题描述', 'Description'),
          ellipsis: true,
          render: (_value, row) => caseLink(row, row.description),
        },
        {
          key: 'status',
          title: t('状态', 'Status'),
          width: 130,
          render: (_value, row) => (
            <Space size={4} wrap>
              <Tag color={STATUS[row.status].color}>{label(STATUS[row.status])}</Tag>
              {row.urgency === 'urgent' ? <Tag color="red">{label(URGENCY.urgent)}</Tag> : null}
            </Space>
          ),
        },
        { key: 'tier', title: t('层级', 'Tier'), width: 70, render: (_value, row) => label(TIER[row.tier]) },
        {
          key: 'deadline',
          title: t('时限', 'Deadline'),
          width: 150,
          render: (_value, row) => {
            if (row.clockPaused) return <Typography.Text type="secondary">{t('已暂停计时', 'Clock paused')}</Typography.Text>;
            if (row.timeLeftMs === null) return <Typography.Text type="secondary">—</Typography.Text>;
            const duration = formatDuration(row.timeLeftMs, language);
            return row.timeLeftMs < 0 ? (
              <Typography.Text type="danger">{t(`已超时 ${duration}`, `${duration} overdue`)}</Typography.Text>
            ) : (
              <span>{t(`剩余 ${duration}`, `${duration} left`)}</span>
            );
          },
        },
      ];

  const span = { xs: 12, lg: 6 };
  const size = phone ? 'large' : 'middle';

  return (
    <Card styles={{ body: { padding: phone ? 12 : 24 } }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <h1 style={{ fontSize: 18, margin: 0 }}>{t('案件列表', 'Cases')}</h1>
        <Button icon={<ReloadOutlined />} onClick={cases.reload} aria-label={t('刷新', 'Refresh')}>
          {phone ? null : t('刷新', 'Refresh')}
        </Button>
      </Space>
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={12}>
          <Input.Search
            key={filter.q ?? ''}
            size={size}
            defaultValue={filter.q}
            allowClear
            enterButton={t('搜索', 'Search')}
            aria-label={t('搜索案件', 'Search cases')}
            placeholder={t('关键词，空格分隔：如“北辰 电梯”', 'Words separated by spaces, e.g. 北辰 电梯')}
            maxLength={100}
            onSearch={(value) => setFilter({ q: value.trim() || undefined })}
          />
        </Col>
        <Col {...span}>
          <FilterSelect
            size={size}
            aria-label={t('状态', 'Status')}
            placeholder={t('全部状态', 'Every status')}
            value={filter.status}
            onChange={(status) => setFilter({ status })}
            options={Object.entries(STATUS)
              .filter(([status]) => status !== 'not_filed')
              .map(([value, text]) => ({ value, label: label(text) }))}
          />
        </Col>
        <Col {...span}>
          <FilterSelect
            size={size}
            aria-label={t('类别', 'Category')}
            placeholder={t('全部类别', 'Every category')}
            value={filter.category}
            onChange={(category) => setFilter({ category })}
            options={Object.entries(CATEGORY).map(([value, text]) => ({ value, label: label(text) }))}
          />
        </Col>
        {scope.communities.length > 1 ? (
          <Col {...span}>
            <FilterSelect
              size={size}
              showSearch
              optionFilterProp="label"
              aria-label={t('社区', 'Community')}
              placeholder={t('全部社区', 'Every community')}
              value={filter.communityId}
              onChange={(communityId) => setFilter({ communityId, compoundId: undefined })}
              options={scope.communities.map((c) => ({ value: c.id, label: c.name }))}
            />
          </Col>
        ) : null}
        {compounds.length > 1 ? (
          <Col {...span}>
            <FilterSelect
              size={size}
              showSearch
              optionFilterProp="label"
              aria-label={t('小区', 'Compound')}
              placeholder={t('全部小区', 'Every compound')}
              value={filter.compoundId}
              onChange={(compoundId) => setFilter({ compoundId })}
              options={compounds.map((c) => ({ value: c.id, label: c.name }))}
            />
          </Col>
        ) : null}
        <Col {...span}>
          <FilterSelect
            size={size}
            aria-label={t('层级', 'Tier')}
            placeholder={t('全部层级', 'Every tier')}
            value={filter.tier}
            onChange={(tier) => setFilter({ tier })}
            options={Object.entries(TIER).map(([value, text]) => ({ value, label: label(text) }))}
          />
        </Col>
        <Col {...span} style={{ display: 'flex', alignItems: 'center' }}>
          <Checkbox checked={filter.overdue === 'true'} onChange={(event) => setFilter({ overdue: event.target.checked ? 'true' : undefined })}>
            {t('只看超时案件', 'Overdue only')}
          </Checkbox>
        </Col>
      </Row>
      {cases.error ? (
        <div style={{ marginBottom: 12 }}>
          <RefusalAlert error={cases.error} />
        </div>
      ) : null}
      <Table<CaseRow>
        rowKey="caseId"
        size={phone ? 'small' : 'middle'}
        columns={columns}
        dataSource={cases.data?.items ?? []}
        loading={cases.loading}
        tableLayout="fixed"
        locale={{ emptyText: Object.values(filter).some(Boolean) ? t('没有符合条件的案件', 'No case matches') : t('暂无案件', 'No cases yet') }}
        pagination={{
          current: page,
          pageSize,
          total: cases.data?.total ?? 0,
          pageSizeOptions: PAGE_SIZES,
          showSizeChanger: !phone,
          simple: phone,
          showTotal: (total) => t(`共 ${total} 件`, `${total} cases`),
          onChange: setPage,
        }}
      />
    </Card>
  );
}

/** A filter of the list: as wide as its column, and cleared to mean "every". */
function FilterSelect<Value>(props: SelectProps<Value>) {
  return <Select<Value> style={{ width: '100%' }} allowClear {...props} />;
}
