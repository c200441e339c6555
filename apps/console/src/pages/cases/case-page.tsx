import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router';
import { CaseDetail } from '../../features/case-detail';
import { useT } from '../../shared/i18n';

/** 案件详情: a case where it stands, its course, and what the signed-in user may do to it. */
export default function CasePage() {
  const { caseId = '' } = useParams();
  const navigate = useNavigate();
  const t = useT();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap align="center">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} aria-label={t('返回', 'Back')} />
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('案件详情', 'Case')}
        </Typography.Title>
      </Space>
      <CaseDetail caseId={caseId} />
    </Space>
  );
}
