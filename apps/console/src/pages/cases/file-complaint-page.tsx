import { CameraOutlined, CheckCircleFilled, CloseCircleFilled } from '@ant-design/icons';
import { Alert, Button, Card, Col, Form, Grid, Input, Radio, Row, Space, Switch, Typography, Upload, type UploadFile } from 'antd';
import { useState } from 'react';
import { api, ApiError, unwrap, uploadPhoto, type Schemas } from '../../api/client';
import { useSession } from '../../api/session';
import { RefusalAlert, refusalTitle, useAction, useLoad } from '../../shared/actions';
import { LIMITS, optionalText, phoneRules, requiredText, trimmed } from '../../shared/complaint-rules';
import { assigneesOf, compoundsOf, loadOrganisations, type Organisation } from '../../shared/directory';
import { FormSelect } from '../../shared/form-select';
import { useLabel, useT, type Translate } from '../../shared/i18n';
import { CATEGORY, CHANNEL, URGENCY, type Category, type Channel, type Urgency } from '../../shared/labels';
import { Result } from '../../shared/result';

interface ComplaintForm {
  compoundId?: string;
  category?: Category;
  name?: string;
  phone?: string;
  building?: string;
  unit?: string;
  urgency: Urgency;
  channel: Channel;
  override: boolean;
  assigneeId?: string;
  overrideReason?: string;
  description?: string;
}

/** What became of one photo given at filing: uploaded for the case (its hash), or refused with the API's reason. */
interface PhotoOutcome {
  name: string;
  hash?: string;
  error?: unknown;
}

/** Staff's photos become evidence of the complaint once cited: else no one else sees them and the sweep of uncited uploads removes them. */
interface Citation {
  cited: readonly string[];
  pending: boolean;
  error: unknown;
  cite(hashes: string[]): Promise<void>;
}

interface Filed {
  caseId: string;
  status: string;
  photos: PhotoOutcome[];
}

/** Categories the API routes to the owners' committee by default (libs/domain category.ts OWNERS_MATTERS). */
const OWNERS_MATTERS: readonly Category[] = ['maintenance_fund', 'property_contract'];

const INITIAL: Partial<ComplaintForm> = { urgency: 'normal', channel: 'visit', override: false };

/** 受理登记: community staff file a complaint of their community, at a desk or on a phone. */
export default function FileComplaintPage() {
  const t = useT();
  const label = useLabel();
  const user = useSession()!;
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [form] = Form.useForm<ComplaintForm>();
  const [photos, setPhotos] = useState<UploadFile[]>([]);
  const [filed, setFiled] = useState<Filed>();
  const [cited, setCited] = useState<string[]>([]);
  const directory = useLoad(loadOrganisations, []);
  const organisations = directory.data ?? [];
  const compounds = compoundsOf(organisations, user.organisationId);
  const compoundId = Form.useWatch('compoundId', form);
  const category = Form.useWatch('category', form);
  const override = Form.useWatch('override', form);
  const compound = compounds.find((c) => c.id === compoundId);
  const assignees = assigneesOf(organisations, compound);

  const file = useAction(async (idempotencyKey, values: ComplaintForm, files: File[]): Promise<Filed> => {
    const assignee = assignees.find((a) => a.id === values.assigneeId);
    const body: Schemas['FileComplaintDto'] = {
      resident: { name: values.name!.trim(), phone: values.phone!.trim() },
      location: { communityId: user.organisationId, compoundId: values.compoundId!, building: values.building!.trim(), unit: trimmed(values.unit) },
      category: values.category!,
      urgency: values.urgency,
      channel: values.channel,
      description: values.description!.trim(),
      ...(values.override && assignee
        ? { routingOverride: { organisationId: assignee.id, kind: assignee.kind as 'property_company' | 'owners_committee', reason: values.overrideReason!.trim() } }
        : {}),
    };
    const answer = unwrap(await api.POST('/cases', { body, headers: { 'Idempotency-Key': idempotencyKey } }));
    // The API takes photos per case, so they follow the filing; one refused does not undo it.
    const outcomes: PhotoOutcome[] = [];
    for (const photo of files) {
      try {
        outcomes.push({ name: photo.name, hash: (await uploadPhoto(answer.caseId, photo)).hash });
      } catch (error) {
        outcomes.push({ name: photo.name, error });
      }
    }
    return { caseId: answer.caseId, status: answer.status, photos: outcomes };
  });

  const citeAction = useAction(
    async (idempotencyKey, caseId: string, hashes: string[]) =>
      unwrap(await api.POST('/cases/{caseId}/evidence', { params: { path: { caseId } }, body: { evidence: hashes }, headers: { 'Idempotency-Key': idempotencyKey } })),
    { quiet: true },
  );
  const citeFor = (caseId: string) => async (hashes: string[]) => {
    if (await citeAction.run(caseId, hashes)) setCited((all) => [...all, ...hashes]);
  };

  const submit = async (values: ComplaintForm) => {
    const result = await file.run(values, photos.map((photo) => photo.originFileObj as File));
    if (!result) return;
    setFiled(result);
    const uploaded = uploadedHashes(result.photos);
    if (uploaded.length > 0) await citeFor(result.caseId)(uploaded);
  };

  // The next complaint is most often from the same compound.
  const fileAnother = () => {
    const sameCompound = form.getFieldValue('compoundId') as string | undefined;
    form.resetFields();
    form.setFieldsValue({ compoundId: sameCompound });
    setPhotos([]);
    setCited([]);
    setFiled(undefined);
  };

  if (filed) {
    const citation: Citation = { cited, pending: citeAction.pending, error: citeAction.error, cite: citeFor(filed.caseId) };
    return <FiledResult filed={filed} citation={citation} onFileAnother={fileAnother} />;
  }

  const defaultAssignee = defaultAssigneeOf(organisations, compound, category);
  const half = { xs: 24, md: 12 };
  const size = phone ? 'large' : 'middle';

  return (
    <Card title={<h1 style={{ fontSize: 18, margin: 0 }}>{t('受理登记', 'File a complaint')}</h1>} styles={{ body: { padding: phone ? 12 : 24 } }}>
      {directory.error ? <RefusalAlert error={directory.error} /> : null}
      <Form<ComplaintForm> form={form} layout="vertical" size={size} initialValues={INITIAL} onFinish={(values) => void submit(values)} scrollToFirstError requiredMark>
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="compoundId" label={t('小区', 'Compound')} rules={[{ required: true, message: t('请选择小区', 'Choose the compound') }]}>
              <FormSelect
                loading={directory.loading}
                placeholder={t('选择本社区的小区', 'A compound of your community')}
                options={compounds.map((c) => ({ value: c.id, label: c.name }))}
                onChange={() => form.setFieldValue('assigneeId', undefined)}
              />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="category" label={t('问题类别', 'Category')} rules={[{ required: true, message: t('请选择问题类别', 'Choose the category') }]}>
              <FormSelect placeholder={t('选择类别', 'Choose')} options={Object.entries(CATEGORY).map(([value, text]) => ({ value, label: label(text) }))} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="name" label={t('居民姓名', 'Resident’s name')} rules={requiredText(t, { zh: '居民姓名', en: 'resident’s name' }, LIMITS.name)}>
              <Input autoComplete="off" placeholder={t('如：王阿姨', 'e.g. 王阿姨')} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="phone" label={t('联系电话', 'Phone')} rules={phoneRules(t)}>
              <Input inputMode="tel" autoComplete="off" placeholder="13800000000" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="building" label={t('楼幢', 'Building')} rules={requiredText(t, { zh: '楼幢', en: 'building' }, LIMITS.building)}>
              <Input placeholder={t('如：3幢', 'e.g. 3幢')} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="unit" label={t('单元室号（选填）', 'Unit (optional)')} rules={optionalText(t, { zh: '单元室号', en: 'unit' }, LIMITS.unit)}>
              <Input placeholder={t('如：2单元1502室', 'e.g. 2单元1502室')} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="urgency" label={t('紧急程度', 'Urgency')} extra={t('紧急事项按小时计时限', 'Urgent matters are counted in hours')}>
              <Radio.Group optionType="button" buttonStyle="solid" options={Object.entries(URGENCY).map(([value, text]) => ({ value, label: label(text) }))} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name="channel" label={t('受理渠道', 'Channel')}>
              <FormSelect options={Object.entries(CHANNEL).map(([value, text]) => ({ value, label: label(text) }))} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="description"
              label={t('问题描述', 'Description')}
              rules={requiredText(t, { zh: '问题描述', en: 'description' }, LIMITS.description)}
            >
              <Input.TextArea rows={phone ? 4 : 5} count={{ show: true, max: LIMITS.description }} placeholder={t('发生了什么、从何时开始、影响到谁', 'What happened, since when, who is affected')} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item
              name="override"
              label={t('指定承办单位', 'Choose the assignee')}
              valuePropName="checked"
              extra={
                defaultAssignee
                  ? t(`不指定时按规则派给：${defaultAssignee.name}`, `Otherwise routed to: ${defaultAssignee.name}`)
                  : t('不指定时按类别派给小区的物业公司或业委会', 'Otherwise routed by category to the compound’s company or owners’ committee')
              }
            >
              <Switch />
            </Form.Item>
          </Col>
          {override ? (
            <>
              <Col {...half}>
                <Form.Item name="assigneeId" label={t('承办单位', 'Assignee')} rules={[{ required: true, message: t('请选择承办单位', 'Choose the assignee') }]}>
                  <FormSelect
                    placeholder={compound ? t('本小区的物业公司或业委会', 'The compound’s company or owners’ committee') : t('请先选择小区', 'Choose the compound first')}
                    disabled={!compound}
                    options={assignees.map((a) => ({ value: a.id, label: a.name }))}
                  />
                </Form.Item>
              </Col>
              <Col {...half}>
                <Form.Item name="overrideReason" label={t('指定理由', 'Reason')} rules={requiredText(t, { zh: '指定理由', en: 'reason' }, LIMITS.reason)}>
                  <Input.TextArea rows={2} placeholder={t('如：涉及维修基金，须业委会决定', 'e.g. the maintenance fund: for the owners to decide')} />
                </Form.Item>
              </Col>
            </>
          ) : null}
          <Col span={24}>
            <Form.Item
              label={t('现场照片（选填）', 'Photos (optional)')}
              extra={t(
                '照片在受理成功后上传（JPEG、PNG、WebP），作为投诉的证据附入案件：办理该案件的各方（本社区、承办单位、督办的街道和区）均可查看。',
                'Uploaded once the complaint is filed (JPEG, PNG, WebP) and attached to the case as evidence of the complaint: whoever handles the case (your community, the assignee, the supervising street and district) sees them.',
              )}
            >
              <Upload
                multiple
                listType="picture"
                accept="image/jpeg,image/png,image/webp"
                fileList={photos}
                beforeUpload={() => false}
                onChange={({ fileList }) => setPhotos(fileList)}
              >
                <Button icon={<CameraOutlined />} size={size}>
                  {t('添加照片', 'Add photos')}
                </Button>
              </Upload>
            </Form.Item>
          </Col>
        </Row>
        {file.error ? (
          <div style={{ marginBottom: 16 }}>
            <RefusalAlert error={file.error} />
          </div>
        ) : null}
        <Button type="primary" htmlType="submit" loading={file.pending} size="large" block={phone}>
          {t('提交受理', 'File the complaint')}
        </Button>
      </Form>
    </Card>
  );
}

function defaultAssigneeOf(all: readonly Organisation[], compound: Organisation | undefined, category: Category | undefined): Organisation | undefined {
  if (!compound) return undefined;
  const ownersMatter = category !== undefined && OWNERS_MATTERS.includes(category);
  return assigneesOf(all, compound).find((a) => a.kind === (ownersMatter ? 'owners_committee' : 'property_company'));
}

function uploadedHashes(photos: readonly PhotoOutcome[]): string[] {
  return photos.flatMap((photo) => (photo.hash ? [photo.hash] : []));
}

function FiledResult({ filed, citation, onFileAnother }: { filed: Filed; citation: Citation; onFileAnother(): void }) {
  const t = useT();
  const [photos, setPhotos] = useState(filed.photos);
  const [uploading, setUploading] = useState(false);
  const refused = photos.filter((photo) => photo.error);
  const uncited = uploadedHashes(photos).filter((hash) => !citation.cited.includes(hash));
  const addPhoto = async (photo: File) => {
    setUploading(true);
    try {
      const { hash } = await uploadPhoto(filed.caseId, photo);
      setPhotos((all) => [...all, { name: photo.name, hash }]);
      await citation.cite([hash]);
    } catch (error) {
      setPhotos((all) => [...all, { name: photo.name, error }]);
    } finally {
      setUploading(false);
    }
  };
  return (
    <Card>
      <Result
        status="success"
        title={filed.status === 'duplicate' ? t('已受理，并已合并到同一处的在办案件', 'Filed, and linked to the open case at the same place') : t('已受理', 'Filed')}
        subTitle={
          <Space direction="vertical" size={4}>
            <span>{t('案件编号', 'Case number')}</span>
            <Typography.Text code copyable style={{ wordBreak: 'break-all' }} data-testid="filed-case-id">
              {filed.caseId}
            </Typography.Text>
          </Space>
        }
        extra={[
          <Button key="case" type="primary" href={`#/cases/${filed.caseId}`}>
            {t('查看案件', 'Open the case')}
          </Button>,
          <Button key="again" onClick={onFileAnother}>
            {t('继续登记', 'File another')}
          </Button>,
        ]}
      >
        {photos.length > 0 ? <PhotoOutcomes photos={photos} cited={citation.cited} t={t} /> : null}
        {uncited.length > 0 && !citation.pending ? (
          <Alert
            style={{ margin: '12px 0' }}
            type="warning"
            showIcon
            message={t('照片已上传，但尚未作为投诉证据附入案件：其他办理方看不到，且会被系统清除。', 'Photos are uploaded but not yet attached as evidence: no one else handling the case sees them, and they will be removed.')}
            description={citation.error ? refusalTitle(citation.error, t) : undefined}
            action={
              <Button size="small" onClick={() => void citation.cite(uncited)}>
                {t('附入案件', 'Attach them')}
              </Button>
            }
          />
        ) : null}
        {refused.length > 0 ? (
          <Alert
            style={{ margin: '12px 0' }}
            type="warning"
            showIcon
            message={t('案件已受理，但有照片未上传成功，可在此补传。', 'The case is filed, but some photos were not uploaded: add them here.')}
          />
        ) : null}
        <Upload
          accept="image/jpeg,image/png,image/webp"
          showUploadList={false}
          beforeUpload={(photo) => {
            void addPhoto(photo);
            return false;
          }}
        >
          <Button icon={<CameraOutlined />} loading={uploading}>
            {t('补传照片', 'Add a photo')}
          </Button>
        </Upload>
      </Result>
    </Card>
  );
}

function PhotoOutcomes({ photos, cited, t }: { photos: PhotoOutcome[]; cited: readonly string[]; t: Translate }) {
  return (
    <div>
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        {t('照片', 'Photos')}
      </Typography.Title>
      <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {photos.map((photo, index) => (
          <li key={`${photo.name}-${index}`} style={{ marginBottom: 8 }}>
            {photo.error ? (
              <Space align="start">
                <CloseCircleFilled style={{ color: '#cf1322' }} aria-hidden />
                <span>
                  <Typography.Text strong>{photo.name}</Typography.Text> {t('未上传：', 'not uploaded: ')}
                  {refusalTitle(photo.error, t)}
                  {photo.error instanceof ApiError && photo.error.messages.length > 0 ? (
                    <Typography.Text type="secondary" style={{ display: 'block' }} role="alert">
                      {photo.error.messages.join('; ')}
                    </Typography.Text>
                  ) : null}
                </span>
              </Space>
            ) : (
              <Space>
                <CheckCircleFilled style={{ color: '#389e0d' }} aria-hidden />
                <span>
                  <Typography.Text strong>{photo.name}</Typography.Text>{' '}
                  {photo.hash && cited.includes(photo.hash) ? t('已上传，作为投诉证据', 'uploaded, evidence of the complaint') : t('已上传', 'uploaded')}
                </span>
              </Space>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
