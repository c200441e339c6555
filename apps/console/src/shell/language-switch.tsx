import { GlobalOutlined } from '@ant-design/icons';
import { Segmented } from 'antd';
import { useLanguage } from '../shared/i18n';
import { useScreens } from '../shared/screens';

export function LanguageSwitch() {
  const { language, setLanguage } = useLanguage();
  const phone = !useScreens().md;
  return (
    <Segmented
      size="small"
      aria-label="语言 / Language"
      value={language}
      onChange={(value) => setLanguage(value as 'zh' | 'en')}
      options={[
        { label: '中文', value: 'zh', icon: phone ? undefined : <GlobalOutlined /> },
        { label: 'EN', value: 'en' },
      ]}
    />
  );
}
