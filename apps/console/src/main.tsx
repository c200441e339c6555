import { createRoot } from 'react-dom/client';
import { ConsoleApp } from './app';

document.documentElement.lang = localStorage.getItem('yixin.language') === 'en' ? 'en' : 'zh-CN';
createRoot(document.getElementById('root')!).render(<ConsoleApp />);
