import { session } from './api/session';
import { pathInAddress, startScreen } from './shell/start-up';
// In index.html's head, so that the first paint has them.
import './shell/console.css';
import './shell/console-layout.css';

/**
 * The entry is small and runs first: a signed-in user's screen asks for its code and first data
 * while the browser still compiles the console's main chunk (app.tsx, React and antd, preloaded by
 * index.html), not after it ran. The console is drawn once the screen's code is in too, so that
 * its first render shows the screen, not a spinner in its place.
 */
const user = session.current();
const screen = user ? startScreen(user, pathInAddress()) : Promise.resolve();
document.documentElement.lang = localStorage.getItem('yixin.language') === 'en' ? 'en' : 'zh-CN';
void Promise.all([import('./app'), screen.catch(() => undefined)]).then(([{ drawConsole }]) => drawConsole(document.getElementById('root')!));
