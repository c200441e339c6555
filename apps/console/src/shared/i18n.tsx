import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';

export type Language = 'zh' | 'en';

const STORAGE_KEY = 'yixin.language';

interface LanguageContextValue {
  language: Language;
  setLanguage(language: Language): void;
}

const LanguageContext = createContext<LanguageContextValue>({ language: 'zh', setLanguage: () => undefined });

/** Chinese unless the user chose English, which is remembered in this browser. */
export function LanguageProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => (localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh'));
  const value = useMemo(
    () => ({
      language,
      setLanguage(next: Language) {
        localStorage.setItem(STORAGE_KEY, next);
        document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
        setLanguageState(next);
      },
    }),
    [language],
  );
  return <LanguageContext.Provider value={value}>{children}</LanguageContext.Provider>;
}

export function useLanguage(): LanguageContextValue {
  return useContext(LanguageContext);
}

/** A text in both languages, Chinese first: `t('提交', 'Submit')`. */
export type Translate = (zh: string, en: string) => string;

export function useT(): Translate {
  const { language } = useLanguage();
  return useMemo(() => (zh: string, en: string) => (language === 'zh' ? zh : en), [language]);
}

/** A label of the domain in both languages. */
export interface Label {
  zh: string;
  en: string;
}

export function useLabel(): (label: Label | undefined, fallback?: string) => string {
  const { language } = useLanguage();
  return (label, fallback = '') => (label ? label[language] : fallback);
}
