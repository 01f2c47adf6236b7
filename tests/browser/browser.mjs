// What both browser checks share: Debian's Chromium driven by playwright-core (installed outside
// the repository, found through PW_DIR), Telegram's script replaced by the stub, and the themes.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const STUB = fs.readFileSync(path.join(here, 'telegram-web-app-stub.js'), 'utf8');

export const LIGHT = {
  colorScheme: 'light',
  themeParams: { bg_color: '#ffffff', text_color: '#000000', hint_color: '#707579', link_color: '#3390ec',
    button_color: '#3390ec', button_text_color: '#ffffff', secondary_bg_color: '#f1f1f4', section_bg_color: '#ffffff',
    destructive_text_color: '#e53935' }
};
export const DARK = {
  colorScheme: 'dark',
  themeParams: { bg_color: '#212121', text_color: '#ffffff', hint_color: '#aaaaaa', link_color: '#8774e1',
    button_color: '#8774e1', button_text_color: '#ffffff', secondary_bg_color: '#0f0f0f', section_bg_color: '#212121',
    destructive_text_color: '#ff595a' }
};

export function fail(message) {
  const e = new Error(message);
  e.check = true;
  throw e;
}
export function check(ok, message) { if (!ok) fail(message); }

export async function launch() {
  if (!process.env.PW_DIR) fail('PW_DIR must name the folder playwright-core was installed into (npm --prefix)');
  const require = createRequire(path.resolve(process.env.PW_DIR) + '/');
  const { chromium } = require('playwright-core');
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({ executablePath,
    args: ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
}

/**
 * A page as Telegram would open it: the stub instead of telegram.org's script, `initData` and the
 * theme given to it, any other outside request refused, and every page error, CSP violation and
 * dialog (an alert() from injected markup) kept in `problems`.
 */
export async function openPage(browser, url, { initData = '', theme = LIGHT, width = 390, height = 844, assets = '' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const problems = [];
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u === 'https://telegram.org/js/telegram-web-app.js') {
      return route.fulfill({ status: 200, contentType: 'text/javascript', body: STUB });
    }
    // APP_ASSETS: the page's files from this folder instead of the binary's (to try a front-end
    // change against a bot built before it); the API still goes to the bot.
    const local = assets && /^http:\/\/127\.0\.0\.1:\d+\/app\/(index\.html|app\.js|app\.css)?(\?.*)?$/.exec(u);
    if (local) {
      const name = local[1] || 'index.html';
      return route.fulfill({ status: 200, body: fs.readFileSync(path.join(assets, name)),
        headers: { 'Content-Type': { html: 'text/html', js: 'text/javascript', css: 'text/css' }[name.split('.').pop()] + '; charset=utf-8' } });
    }
    if (u.startsWith('http://127.0.0.1:')) return route.continue();
    problems.push('request outside loopback: ' + u);
    return route.abort();
  });
  await page.addInitScript(([cfg]) => {
    window.__TG__ = cfg;
    document.addEventListener('securitypolicyviolation', (e) => {
      (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI);
    });
  }, [{ initData, themeParams: theme.themeParams, colorScheme: theme.colorScheme }]);
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error' && !/status of (40[139]|422|429)/.test(m.text())) problems.push('console: ' + m.text()); });
  page.on('dialog', (d) => { problems.push('dialog opened: ' + d.message()); d.dismiss().catch(() => {}); });
  await page.goto(url);
  return { context, page, problems };
}

/** Fails if the page reported an error, a CSP violation or a dialog. */
export async function noProblems(p, what) {
  const csp = await p.page.evaluate(() => window.__csp || []);
  // A message id on the page is a word the session did not bring (missing from app.ftl).
  // (Not checked with APP_ASSETS: the words then still come from an older binary.)
  const ids = process.env.APP_ASSETS ? [] : await p.page.evaluate(() => document.body.innerText.match(/\bapp-[a-z-]+/g) || []);
  const all = p.problems.concat(csp.map((c) => 'CSP violation: ' + c), ids.map((id) => 'untranslated message id on the page: ' + id));
  check(all.length === 0, `${what}: ${all.join('; ')}`);
}

export function shotDir() {
  const dir = process.env.SCREENSHOT_DIR || fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'editor-shots-'));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export async function shot(page, dir, name) {
  const file = path.join(dir, name + '.png');
  await page.screenshot({ path: file, fullPage: false });
  console.log('screenshot: ' + file);
  return file;
}
