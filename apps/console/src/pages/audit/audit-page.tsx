import { CheckCircleFilled, CloseCircleFilled, DownloadOutlined, SafetyCertificateOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Card, DatePicker, Form, Grid, Input, Radio, Space, Table, Tag, Typography, type TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, unwrap, type Schemas } from '../../api/client';
import { RefusalAlert, useAction, useLoad } from '../../shared/actions';
import { useLabel, useT } from '../../shared/i18n';
import { CATEGORY, STATUS, TIER } from '../../shared/labels';
import { formatTime } from '../../shared/time';
import { downloadExport, problemMeaning, useOrganisationNames, type ExportFormat } from './audit-tools';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 10;

/** 审计: find a case to replay, verify the whole log, export it. Read-only, for auditors. */
export default function AuditPage() {
  const t = useT();
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
        {t('审计', 'Audit')}
      </Typography.Title>
      <CaseFinder />
      <LogVerification />
      <LogExport />
    </Space>
  );
}

function CaseFinder() {
  const t = useT();
  const label = useLabel();
  const navigate = useNavigate();
  const organisation = useOrganisationNames();
  const screens = Grid.useBreakpoint();
  // Kept in the address, so that coming back from a case's audit finds the same list.
  const [search, setSearch] = useSearchParams();
  const q = search.get('q') ?? '';
  const page = Number(search.get('page') ?? '1');
  const cases = useLoad(
    async () => unwrap(await api.GET('/cases', { params: { query: { q: q || undefined, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } } })),
    [q, page],
  );
  const find = (text: string) => {
    const value = text.trim();
    if (UUID.test(value)) navigate(`/audit/cases/${value.toLowerCase()}`);
    else setSearch(value ? { q: value } : {});
  };
  const columns: TableColumnsType<Schemas['CaseListRowDto']> = [
    { title: t('受理时间', 'Filed'), dataIndex: 'filedAt', width: 150, render: (at: string) => formatTime(at) },
    { title: t('类别', 'Category'), dataIndex: 'category', width: 110, responsive: ['sm'], render: (category: keyof typeof CATEGORY) => label(CATEGORY[category]) },
    {
      title: t('地点', 'Place'),
      key: 'place',
      render: (_, row) => `${organisation(row.compoundId)} ${row.building}`,
    },
    { title: t('诉求', 'Complaint'), dataIndex: 'description', ellipsis: true, responsive: ['md'] },
    {
      title: t('状态', 'Status'),
      dataIndex: 'status',
      width: 120,
      render: (status: keyof typeof STATUS) => <Tag color={STATUS[status].color}>{label(STATUS[status])}</Tag>,
    },
    { title: t('层级', 'Tier'), dataIndex: 'tier', width: 70, responsive: ['md'], render: (tier: keyof typeof TIER) => label(TIER[tier]) },
    {
      title: t('操作', 'Action'),
      key: 'audit',
      width: 90,
      render: (_, row) => (
        <Link to={`/audit/cases/${row.caseId}`} aria-label={t(`审计案件 ${row.caseId}`, `Audit case ${row.caseId}`)}>
          {t('审计', 'Audit')}
        </Link>
      ),
    },
  ];
  return (
    <Card title={t('查找案件', 'Find a case')}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Input.Search
          key={q}
          defaultValue={q}
          allowClear
          size={screens.md ? 'middle' : 'large'}
          style={{ maxWidth: 560 }}
          aria-label={t('案件编号或关键词', 'Case id or words')}
          placeholder={t('输入案件编号直接打开，或输入关键词搜索', 'A case id to open it, or words to search')}
          enterButton={<Button type="primary" icon={<SearchOutlined />} aria-label={t('查找', 'Find')}>{t('查找', 'Find')}</Button>}
          onSearch={find}
        />
        {cases.error ? <RefusalAlert error={cases.error} /> : null}
        <Table
          rowKey="caseId"
          size="middle"
          loading={cases.loading}
          columns={columns}
          dataSource={cases.data?.items}
          scroll={screens.md ? { x: 860 } : undefined}
          locale={{ emptyText: q ? t('没有符合条件的案件', 'No case matches') : t('暂无案件', 'No cases yet') }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: cases.data?.total ?? 0,
            showSizeChanger: false,
            showTotal: (total) => t(`共 ${total} 件`, `${total} cases`),
            onChange: (next) => setSearch({ ...(q ? { q } : {}), page: String(next) }),
          }}
        />
      </Space>
    </Card>
  );
}

function LogVerification() {
  const t = useT();
  const [verdict, setVerdict] = useState<Schemas['LogVerificationDto']>();
  const verify = useAction(async () => setVerdict(unwrap(await api.GET('/audit/verify'))), { quiet: true });
  const problems: TableColumnsType<Schemas['LogProblemDto']> = [
    { title: t('全局位置', 'Position'), dataIndex: 'globalPosition', width: 90 },
    {
      title: t('案件', 'Case'),
      dataIndex: 'streamId',
      render: (streamId: string) => {
        const caseId = streamId.replace(/^case-/, '');
        return UUID.test(caseId) ? <Link to={`/audit/cases/${caseId}`}>{caseId}</Link> : streamId;
      },
    },
    { title: t('版本', 'Revision'), dataIndex: 'revision', width: 70 },
    {
      title: t('问题', 'Problem'),
      dataIndex: 'problem',
      render: (problem: string) => (
        <>
          <Typography.Text type="danger" strong>
            {problemMeaning(problem, t)}
          </Typography.Text>
          <br />
          <Typography.Text type="secondary">{problem}</Typography.Text>
        </>
      ),
    },
  ];
  return (
    <Card title={t('全量日志校验', 'Verify the whole log')}>
      <Space direction="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Paragraph style={{ margin: 0 }}>
          {t(
            '逐条重新计算日志中每个事件的哈希，检查每个案件的哈希链与版本号是否连续、全局位置是否递增。',
            'Recomputes the hash of every event in the log, and checks each case’s hash chain, its contiguous revisions and the increasing global positions.',
          )}
        </Typography.Paragraph>
        <Button type="primary" size="large" icon={<SafetyCertificateOutlined />} loading={verify.pending} onClick={() => void verify.run()}>
          {t('校验全部日志', 'Verify the whole log')}
        </Button>
        <RefusalAlert error={verify.error} />
        {verdict && !verify.pending ? (
          verdict.intact ? (
            <Alert
              type="success"
              showIcon
              icon={<CheckCircleFilled />}
              data-testid="log-verdict"
              data-intact="true"
              message={t('日志完整，未被篡改', 'The log is intact')}
              description={t(
                `已校验 ${verdict.eventsChecked} 个事件、${verdict.streamsChecked} 个案件的哈希链，未发现问题。`,
                `${verdict.eventsChecked} events in ${verdict.streamsChecked} chains checked: no problem found.`,
              )}
            />
          ) : (
            <Space direction="vertical" size="middle" style={{ width: '100%' }}>
              <Alert
                type="error"
                showIcon
                icon={<CloseCircleFilled />}
                data-testid="log-verdict"
                data-intact="false"
                message={t('日志校验失败：发现篡改或缺失', 'The log failed verification: altered or missing events')}
                description={t(
                  `已校验 ${verdict.eventsChecked} 个事件、${verdict.streamsChecked} 个案件，发现 ${verdict.problems.length} 处问题（见下表）。`,
                  `${verdict.eventsChecked} events in ${verdict.streamsChecked} chains checked: ${verdict.problems.length} problems, listed below.`,
                )}
              />
              <Table rowKey={(row) => `${row.eventId}/${row.problem}`} size="small" columns={problems} dataSource={verdict.problems} scroll={{ x: 720 }} pagination={{ pageSize: 20, hideOnSinglePage: true }} />
            </Space>
          )
        ) : null}
      </Space>
    </Card>
  );
}

interface ExportForm {
  format: ExportFormat;
  caseId?: string;
  recorded?: [Dayjs | null, Dayjs | null] | null;
}

function LogExport() {
  const t = useT();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<ExportForm>();
  const [saved, setSaved] = useState<string>();
  const exporting = useAction(async (_key: string, values: ExportForm) => {
    setSaved(undefined);
    const [from, to] = values.recorded ?? [];
    setSaved(await downloadExport({ format: values.format, caseId: values.caseId?.trim() || undefined, from: from?.toISOString(), to: to?.toISOString() }));
  }, { quiet: true });
  return (
    <Card title={t('导出日志', 'Export the log')}>
      <Typography.Paragraph>
        {t(
          '导出所选事件的完整信封（含哈希），可在别处重新校验；居民个人信息保持加密存储的原样。',
          'Exports the selected events with their whole envelope, hashes included, to verify elsewhere; residents’ personal data stays encrypted as stored.',
        )}
      </Typography.Paragraph>
      <Form<ExportForm>
        form={form}
        layout={screens.md ? 'inline' : 'vertical'}
        initialValues={{ format: 'jsonl' }}
        onFinish={(values) => void exporting.run(values)}
        style={{ rowGap: 12 }}
      >
        <Form.Item name="format" label={t('格式', 'Format')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'jsonl', label: 'JSON Lines' },
              { value: 'csv', label: 'CSV' },
            ]}
          />
        </Form.Item>
        <Form.Item name="caseId" label={t('案件编号（可选）', 'Case id (optional)')}>
          <Input allowClear placeholder={t('留空导出全部案件', 'Empty: every case')} style={{ width: screens.md ? 320 : '100%' }} />
        </Form.Item>
        <Form.Item name="recorded" label={t('记录时间（可选）', 'Recorded (optional)')}>
          <DatePicker.RangePicker
            showTime={{ format: 'HH:mm' }}
            format="YYYY-MM-DD HH:mm"
            allowEmpty={[true, true]}
            placeholder={[t('开始时间', 'From'), t('结束时间', 'To')]}
            style={{ width: screens.md ? undefined : '100%' }}
          />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" size="large" icon={<DownloadOutlined />} loading={exporting.pending}>
            {t('下载导出文件', 'Download the export')}
          </Button>
        </Form.Item>
      </Form>
      <div style={{ marginTop: 16 }}>
        <RefusalAlert error={exporting.error} />
        {saved && !exporting.pending ? <Alert type="success" showIcon message={t(`已下载 ${saved}`, `Downloaded ${saved}`)} /> : null}
      </div>
    </Card>
  );
}
