import { CheckCircleFilled, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Empty, Form, Grid, Input, Row, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, apiErrorOf, unwrap, type Schemas } from '../../api/client';
import { useSession } from '../../api/session';
import { RefusalAlert, useAction, useLoad } from '../../shared/actions';
import { LIMITS, PHONE, optionalText, requiredText, trimmed } from '../../shared/complaint-rules';
import { compoundsOf, loadOrganisations } from '../../shared/directory';
import { FormSelect } from '../../shared/form-select';
import { useLabel, useT } from '../../shared/i18n';
import { CATEGORY, type Category } from '../../shared/labels';

interface VisitRow {
  building?: string;
  unit?: string;
  name?: string;
  phone?: string;
  category?: Category;
  description?: string;
}

interface RoundForm {
  rows: VisitRow[];
}

/** What the API answered for one row: filed (or linked to an open case at the same place), or refused. */
type RowResult = { caseId: string; status: string } | { error: unknown };

const MAX_ROWS = 50;
const compoundKey = (communityId: string) => `yixin.visit-round.compound.${communityId}`;

/**
 * 认百家门: on a round of the compound's homes, staff note one complaint after another on a phone and
 * send them together. The API files each on its own, so one mistyped row holds back none of the others;
 * filed rows stay on screen with their case number, refused ones with the API's reason, to fix and send again.
 */
export default function VisitRoundPage() {
  const t = useT();
  const label = useLabel();
  const user = useSession()!;
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const size = phone ? 'large' : 'middle';
  const [form] = Form.useForm<RoundForm>();
  const directory = useLoad(loadOrganisations, []);
  const compounds = compoundsOf(directory.data ?? [], user.organisationId);
  const [compoundId, setCompoundId] = useState<string | undefined>(() => localStorage.getItem(compoundKey(user.organisationId)) ?? undefined);
  // Each row's key, kept apart from its index, so that a row's answer stays with it when another is removed.
  const [rowKeys, setRowKeys] = useState<number[]>([0]);
  const [nextKey, setNextKey] = useState(1);
  const [results, setResults] = useState<Record<number, RowResult>>({});

  // A remembered compound the community no longer has is forgotten.
  useEffect(() => {
    if (directory.data && compoundId && !compounds.some((c) => c.id === compoundId)) chooseCompound(undefined);
  }, [directory.data]);

  const chooseCompound = (id: string | undefined) => {
    setCompoundId(id);
    if (id) localStorage.setItem(compoundKey(user.organisationId), id);
    else localStorage.removeItem(compoundKey(user.organisationId));
  };

  const send = useAction(async (idempotencyKey, keys: number[], rows: VisitRow[]) => {
    const complaints: Schemas['FileComplaintDto'][] = rows.map((row) => ({
      resident: { name: (row.name ?? '').trim(), phone: (row.phone ?? '').trim() },
      location: { communityId: user.organisationId, compoundId: compoundId!, building: (row.building ?? '').trim(), unit: trimmed(row.unit) },
      category: row.category!,
      urgency: 'normal',
      channel: 'visit',
      description: (row.description ?? '').trim(),
    }));
    const answers = unwrap(await api.POST('/cases/batch', { body: { complaints }, headers: { 'Idempotency-Key': idempotencyKey } }));
    const byKey: Record<number, RowResult> = {};
    for (const answer of answers) {
      const key = keys[answer.index];
      const error = answer.error as { statusCode?: number } | undefined;
      byKey[key] = answer.caseId ? { caseId: answer.caseId, status: answer.status ?? 'filed' } : { error: apiErrorOf(error?.statusCode ?? 400, error) };
    }
    return byKey;
  });

  const filedCount = Object.values(results).filter((result) => 'caseId' in result).length;

  const submit = async ({ rows }: RoundForm) => {
    const pending = rows.map((row, index) => ({ row, index })).filter(({ index }) => !isFiled(results[rowKeys[index]]));
    if (pending.length === 0) return;
    const answered = await send.run(
      pending.map(({ index }) => rowKeys[index]),
      pending.map(({ row }) => row),
    );
    if (answered) setResults((before) => ({ ...before, ...answered }));
  };

  const addRow = () => {
    const rows = form.getFieldValue('rows') as VisitRow[];
    // Neighbours on a round share a building more often than not.
    form.setFieldValue('rows', [...rows, { building: rows.at(-1)?.building }]);
    setRowKeys((keys) => [...keys, nextKey]);
    setNextKey((key) => key + 1);
  };

  const removeRow = (index: number) => {
    const rows = form.getFieldValue('rows') as VisitRow[];
    form.setFieldValue('rows', rows.filter((_row, at) => at !== index));
    setRowKeys((keys) => keys.filter((_key, at) => at !== index));
  };

  const newRound = () => {
    form.setFieldsValue({ rows: [{}] });
    setRowKeys([nextKey]);
    setNextKey((key) => key + 1);
    setResults({});
  };

  const unfiled = rowKeys.filter((key) => !isFiled(results[key])).length;

  return (
    <Space direction="vertical" size={phone ? 8 : 16} style={{ width: '100%' }}>
      <Card styles={{ body: { padding: phone ? 12 : 24 } }}>
        <h1 style={{ fontSize: 18, marginTop: 0 }}>{t('认百家门 · 走访登记', 'Visit round')}</h1>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 12 }}>
          {t('逐户记录诉求，一次提交；每户单独受理，某户有误不影响其他户。', 'Note each home’s complaint, then send them together: each is filed on its own, one mistake holds back no other.')}
        </Typography.Paragraph>
        {directory.error ? <RefusalAlert error={directory.error} /> : null}
        <label htmlFor="visit-round-compound" style={{ display: 'block', marginBottom: 6, fontWeight: 500 }}>
          {t('走访小区', 'Compound visited')}
        </label>
        <Select
          id="visit-round-compound"
          size={size}
          style={{ width: phone ? '100%' : 320 }}
          loading={directory.loading}
          value={compoundId}
          onChange={chooseCompound}
          placeholder={t('选择小区（会记住）', 'Choose the compound (remembered)')}
          options={compounds.map((c) => ({ value: c.id, label: c.name }))}
        />
      </Card>

      <Form<RoundForm> form={form} layout="vertical" size={size} initialValues={{ rows: [{}] }} onFinish={(values) => void submit(values)} scrollToFirstError>
        <Form.List name="rows">
          {(fields) => (
            <Space direction="vertical" size={phone ? 8 : 12} style={{ width: '100%' }}>
              {fields.map((field, index) => {
                const key = rowKeys[index];
                const result = results[key];
                const filed = isFiled(result) ? result : undefined;
                const refused = result && 'error' in result ? result.error : undefined;
                return (
                  <Card
                    key={key}
                    size="small"
                    data-testid={`visit-row-${index + 1}`}
                    title={
                      <Space wrap>
                        <span>{t(`第 ${index + 1} 户`, `Home ${index + 1}`)}</span>
                        {filed ? (
                          <Tag color="success" icon={<CheckCircleFilled />}>
                            {filed.status === 'duplicate' ? t('已受理（合并）', 'Filed (linked)') : t('已受理', 'Filed')}
                          </Tag>
                        ) : refused ? (
                          <Tag color="error">{t('未受理', 'Not filed')}</Tag>
                        ) : null}
                      </Space>
                    }
                    extra={
                      filed ? null : (
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={t(`删除第 ${index + 1} 户`, `Remove home ${index + 1}`)}
                          disabled={fields.length === 1}
                          onClick={() => removeRow(index)}
                        />
                      )
                    }
                    styles={{ body: { padding: phone ? 10 : 16 } }}
                  >
                    {filed ? (
                      <Typography.Paragraph style={{ margin: 0 }}>
                        {t('案件编号', 'Case')}{' '}
                        <Typography.Link href={`#/cases/${filed.caseId}`} style={{ wordBreak: 'break-all' }}>
                          {filed.caseId}
                        </Typography.Link>
                        <br />
                        <Typography.Text type="secondary">
                          {(form.getFieldValue(['rows', field.name, 'building']) as string) ?? ''} · {label(CATEGORY[form.getFieldValue(['rows', field.name, 'category']) as Category])}
                        </Typography.Text>
                      </Typography.Paragraph>
                    ) : (
                      <>
                        {refused ? (
                          <div style={{ marginBottom: 12 }}>
                            <RefusalAlert error={refused} />
                          </div>
                        ) : null}
                        <Row gutter={12}>
                          <Col xs={12} md={6}>
                            <Form.Item name={[field.name, 'building']} label={t('楼幢', 'Building')} rules={requiredText(t, { zh: '楼幢', en: 'building' }, LIMITS.building)}>
                              <Input placeholder={t('如：3幢', 'e.g. 3幢')} />
                            </Form.Item>
                          </Col>
                          <Col xs={12} md={6}>
                            <Form.Item name={[field.name, 'unit']} label={t('单元室号', 'Unit')} rules={optionalText(t, { zh: '单元室号', en: 'unit' }, LIMITS.unit)}>
                              <Input placeholder={t('选填', 'optional')} />
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={6}>
                            <Form.Item name={[field.name, 'name']} label={t('居民姓名', 'Resident')} rules={requiredText(t, { zh: '居民姓名', en: 'resident’s name' }, LIMITS.name)}>
                              <Input autoComplete="off" />
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={6}>
                            <Form.Item
                              name={[field.name, 'phone']}
                              label={t('联系电话', 'Phone')}
                              rules={[
                                { required: true, message: t('请填写联系电话', 'Enter the phone number') },
                                // A warning only: the row is still sent, and the API's refusal of it is shown in its place.
                                { pattern: PHONE, warningOnly: true, message: t('电话格式似乎不对：11 位手机号或带区号的固话', 'This looks wrong: 11-digit mobile or landline with area code') },
                              ]}
                            >
                              <Input inputMode="tel" autoComplete="off" />
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={6}>
                            <Form.Item name={[field.name, 'category']} label={t('问题类别', 'Category')} rules={[{ required: true, message: t('请选择问题类别', 'Choose the category') }]}>
                              <FormSelect placeholder={t('选择类别', 'Choose')} options={Object.entries(CATEGORY).map(([value, text]) => ({ value, label: label(text) }))} />
                            </Form.Item>
                          </Col>
                          <Col xs={24} md={18}>
                            <Form.Item name={[field.name, 'description']} label={t('问题描述', 'Description')} rules={requiredText(t, { zh: '问题描述', en: 'description' }, LIMITS.description)}>
                              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
                            </Form.Item>
                          </Col>
                        </Row>
                      </>
                    )}
                  </Card>
                );
              })}
              {fields.length === 0 ? <Empty description={t('还没有记录', 'Nothing noted yet')} /> : null}
            </Space>
          )}
        </Form.List>

        {send.error ? (
          <div style={{ marginTop: 12 }}>
            <RefusalAlert error={send.error} />
          </div>
        ) : null}
        {filedCount > 0 && unfiled === 0 ? (
          <Alert style={{ marginTop: 12 }} type="success" showIcon message={t(`本轮 ${filedCount} 户已全部受理`, `All ${filedCount} complaints of this round are filed`)} />
        ) : null}
        <Space direction={phone ? 'vertical' : 'horizontal'} style={{ width: '100%', marginTop: 12 }}>
          <Button icon={<PlusOutlined />} size={size} block={phone} onClick={addRow} disabled={rowKeys.length >= MAX_ROWS}>
            {t('再记一户', 'Add a home')}
          </Button>
          {unfiled > 0 ? (
            <Button type="primary" htmlType="submit" size={size} block={phone} loading={send.pending} disabled={!compoundId}>
              {filedCount > 0 ? t(`重新提交未受理的 ${unfiled} 户`, `Send the ${unfiled} not filed again`) : t(`提交本轮 ${unfiled} 户`, `Send ${unfiled} complaints`)}
            </Button>
          ) : null}
          {filedCount > 0 ? (
            <Button size={size} block={phone} onClick={newRound}>
              {t('开始新一轮', 'Start a new round')}
            </Button>
          ) : null}
        </Space>
        {!compoundId ? (
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
            {t('请先选择走访小区', 'Choose the compound first')}
          </Typography.Paragraph>
        ) : null}
      </Form>
    </Space>
  );
}

function isFiled(result: RowResult | undefined): result is { caseId: string; status: string } {
  return result !== undefined && 'caseId' in result;
}
