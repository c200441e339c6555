import { createRoot } from 'react-dom/client';
import { session } from './api/session';
import { ConsoleApp } from './app';
import { pathInAddress, startScreen } from './shell/start-up';

const user = session.current();
if (user) startScreen(user, pathInAddress());
document.documentElement.lang = localStorage.getItem('yixin.language') === 'en' ? 'en' : 'zh-CN';
createRoot(document.getElementById('root')!).render(<ConsoleApp />);
