// The Mini App editor in headless Chromium against the real binary: /start, /carousel, a style
// press through the webhook (with a fake Bot API on loopback); the review message's web_app
// button opened with a valid initData; slide 2's title changed, slide 2 moved first, the post's
// caption changed, Send pressed; then what the fake Bot API received (the album, then the post
// with its copy button) and the stored draft are checked. Screenshots in
// light and dark themes go to SCREENSHOT_DIR (or a temp dir) and their paths are printed.
// Usage: PW_DIR=<playwright-core prefix> BIN=<bible-vibecoder> node tests/browser/editor.mjs
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeBotApi } from './fake-bot-api.mjs';
import { launch, openPage, noProblems, check, shot, shotDir, LIGHT, DARK } from './browser.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.BIN || path.join(process.env.CARGO_TARGET_DIR || path.join(os.homedir(), '.cache/bible-vibecoder/target'), 'debug', 'bible-vibecoder');
const TOKEN = '123456:browser-check-token';
const USER = { id: 424242, is_bot: false, first_name: 'Ann', username: 'ann_l', language_code: 'en' };
const EDITED = 'Habits carry you when motivation sleeps';
const CAPTION = 'Motivation is a spark; habits are the fire & they last.';

/** initData as Telegram signs it (core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app). */
export function signInitData(token, fields) {
  const pairs = Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]);
  const checkString = pairs.map(([k, v]) => `${k}=${v}`).sort().join('\n');
  const secret = crypto.createHmac('sha256', 'WebAppData').update(token).digest();
  const hash = crypto.createHmac('sha256', secret).update(checkString).digest('hex');
  return new URLSearchParams([...pairs, ['hash', hash]]).toString();
}

const freePort = () => new Promise((ok, no) => {
  const s = net.createServer();
  s.once('error', no);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(fn, what, ms = 30000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v) return v;
    if (Date.now() > end) check(false, 'timed out waiting for ' + what);
    await sleep(100);
  }
}
const buttons = (markup) => {
  const m = typeof markup === 'string' ? JSON.parse(markup) : markup;
  return ((m && m.inline_keyboard) || []).flat();
};

let updateId = 900000000;
const message = (text) => {
  const m = { message_id: 11 + updateId % 1000, from: USER, chat: { id: USER.id, type: 'private', first_name: USER.first_name, username: USER.username },
    date: Math.floor(Date.now() / 1000), text };
  if (text.startsWith('/')) m.entities = [{ offset: 0, length: text.split(' ')[0].length, type: 'bot_command' }];
  return { update_id: ++updateId, message: m };
};
const press = (data, messageId) => ({ update_id: ++updateId, callback_query: { id: 'press-' + updateId, from: USER, chat_instance: '-1', data,
  message: { message_id: messageId, from: { id: 7000000001, is_bot: true, first_name: 'VibeBot', username: 'vibe_test_bot' },
    chat: { id: USER.id, type: 'private', first_name: USER.first_name }, date: Math.floor(Date.now() / 1000), text: 'Pick a style' } } });

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-check-'));
const dir = shotDir();
let fake = null, bot = null, browser = null, step = 'starting';
const log = path.join(work, 'serve.log');

try {
  check(fs.existsSync(BIN), `no binary at ${BIN}: cargo build --bin bible-vibecoder first`);
  fake = await startFakeBotApi();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  step = 'starting the bot';
  const out = fs.openSync(log, 'w');
  bot = spawn(BIN, ['serve'], {
    cwd: repo, stdio: ['ignore', out, out],
    env: { PATH: process.env.PATH, RUST_LOG: 'info', LOG_FORMAT: 'json', DATABASE_URL: `sqlite://${work}/b.db`,
      HTTP_ADDR: `127.0.0.1:${port}`, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_URL: fake.url, TELEGRAM_BOT_USERNAME: 'vibe_test_bot',
      PUBLIC_BASE_URL: base, WORKFLOW_STEP_BACKOFF_MS: '20', ...(process.env.FONTS_DIR ? { FONTS_DIR: process.env.FONTS_DIR } : {}) }
  });
  let exited = null;
  bot.on('exit', (code, signal) => { exited = code ?? signal; });
  await until(async () => { check(exited === null, `the bot exited (${exited}) at start-up`); return (await fetch(base + '/ready')).ok; }, 'the bot\'s /ready', 60000);
  const post = async (update) => {
    const r = await fetch(base + '/telegram/webhook', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(update) });
    check(r.ok, `the webhook answered ${r.status}`);
  };

  step = '/start, /carousel, a style press';
  await post(message('/start'));
  await post(message('/carousel Why habits beat motivation'));
  const style = await fake.waitFor((c) => c.method === 'sendMessage' && c.params.reply_markup &&
    buttons(c.params.reply_markup).find((b) => /^style:/.test(b.callback_data || '')) && { call: c, button: buttons(c.params.reply_markup).find((b) => /^style:/.test(b.callback_data || '')) },
  'a sendMessage with style buttons');
  await post(press(style.button.callback_data, style.call.result.message_id));

  step = 'the review message';
  const review = await fake.waitFor((c) => c.params && c.params.reply_markup &&
    buttons(c.params.reply_markup).find((b) => b.web_app && b.web_app.url), 'a message with a web_app button', 60000);
  const url = review.web_app.url;
  check(url.startsWith(base + '/app'), `the web_app button opens ${url}, not ${base}/app…`);
  const draftId = new URL(url).searchParams.get('draft');
  check(/^[0-9a-f-]{36}$/.test(draftId || ''), `no ?draft=<uuid> in ${url}`);
  const initData = signInitData(TOKEN, { auth_date: String(Math.floor(Date.now() / 1000)), query_id: 'AAHdF6IQAAAAAN0XohDhrOrc',
    user: { id: USER.id, first_name: USER.first_name, username: USER.username, language_code: 'en', allows_write_to_pm: true } });
  const api = (p, init = {}, data = initData) => fetch(base + '/app/api' + p, { ...init, headers: { Authorization: 'tma ' + data, ...(init.headers || {}) } });

  step = 'the API refuses a forged initData and another user';
  check((await api('/drafts/' + draftId, {}, initData.replace(/hash=[0-9a-f]{4}/, 'hash=0000'))).status === 401, 'a forged initData was not refused with 401');
  const stranger = signInitData(TOKEN, { auth_date: String(Math.floor(Date.now() / 1000)), query_id: 'AAE', user: { id: 5151, first_name: 'Eve' } });
  check((await api('/drafts/' + draftId, {}, stranger)).status === 403, 'another user\'s initData was not refused with 403');

  step = 'the editor in Chromium (light)';
  browser = await launch();
  const assets = process.env.APP_ASSETS || '';
  if (assets) console.log('note: the page\'s files come from ' + assets + ', not from the binary (APP_ASSETS)');
  const light = await openPage(browser, url, { initData, theme: LIGHT, assets });
  const page = light.page;
  const headers = await (await fetch(url)).headers;
  check((headers.get('content-security-policy') || '').includes("script-src 'self' https://telegram.org"), 'the page has no strict Content-Security-Policy');
  // Interactive: the slides' fields are on the page (read at the animation frame they appear).
  await page.waitForFunction(() => document.querySelector('.slide') && (window.__interactive ??= performance.now()), null, { polling: 'raf', timeout: 20000 });
  await page.waitForSelector('.pv-img:not([hidden])', { timeout: 20000 });
  const load = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const files = performance.getEntriesByType('resource').filter((r) => !r.name.includes('telegram.org'));
    const preview = files.find((r) => r.name.endsWith('/preview'));
    return { interactive: window.__interactive, bytes: nav.transferSize + files.reduce((n, r) => n + r.transferSize, 0),
      page: nav.transferSize + files.filter((r) => /\/app\/[a-z]+\.(js|css)$/.test(r.name)).reduce((n, r) => n + r.transferSize, 0),
      previewAt: preview ? preview.responseEnd : null };
  });
  console.log(`first load on loopback: ${load.bytes} bytes transferred (${load.page} of them the page's files), interactive at ${Math.round(load.interactive)} ms, first preview at ${Math.round(load.previewAt)} ms`);
  const count = await page.locator('.slide').count();
  check(count >= 3, `the editor shows ${count} slides`);
  const firstTitle = await page.inputValue('#s0-title');
  await shot(page, dir, 'real-light-390');

  step = "slide 2's title changed";
  const saved = () => page.waitForResponse((r) => r.url().includes('/app/api/drafts/') && r.request().method() === 'PUT', { timeout: 15000 });
  let put = saved();
  await page.fill('#s1-title', EDITED);
  check((await put).status() === 200, 'the title was not saved');
  step = 'slide 2 moved first';
  put = saved();
  await page.click('[data-f="up-1"]');
  check((await put).status() === 200, 'the new order was not saved');
  check(await page.inputValue('#s0-title') === EDITED && await page.inputValue('#s1-title') === firstTitle, 'the page does not show the new order');
  step = "the post's caption changed";
  check((await page.inputValue('#caption')).length > 0, 'the editor shows no caption for the written post');
  const tags = (await page.inputValue('#hashtags')).split(/\s+/).filter(Boolean);
  check(tags.length >= 3 && tags.length <= 10 && tags.every((t) => t.startsWith('#')), `the editor shows the hashtags ${JSON.stringify(tags)}`);
  check((await page.inputValue('#s0-alt')).length > 0, 'the editor shows no alt text for slide 1');
  put = saved();
  await page.fill('#caption', CAPTION);
  check((await put).status() === 200, 'the caption was not saved');
  await until(async () => (await page.textContent('#status')).length > 0 && !(await page.textContent('#status')).includes('…'), 'the "Saved" status', 10000);

  step = 'the editor in Chromium (dark), reading the saved draft back';
  const dark = await openPage(browser, url, { initData, theme: DARK, assets });
  await dark.page.waitForSelector('.slide');
  await dark.page.waitForSelector('.pv-img:not([hidden])', { timeout: 20000 });
  check(await dark.page.inputValue('#s0-title') === EDITED, 'a fresh page does not show the saved title first');
  check(await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor) === 'rgb(15, 15, 15)', 'the dark theme was not applied');
  await shot(dark.page, dir, 'real-dark-390');
  await noProblems(dark, 'the dark editor');
  await dark.context.close();

  step = 'Send';
  const sent = page.waitForResponse((r) => r.url().endsWith('/send'), { timeout: 20000 });
  await page.click('#send');
  const sendStatus = (await sent).status();
  check(sendStatus === 202 || sendStatus === 200, `Send answered ${sendStatus}`);
  await until(() => page.evaluate(() => window.__tgCalls.some((c) => c.name === 'close')), 'Telegram.WebApp.close() after Send', 10000);
  await shot(page, dir, 'real-sent');
  await noProblems(light, 'the light editor');

  step = 'the album the fake Bot API received';
  const album = await fake.waitFor((c) => c.method === 'sendMediaGroup' && c, 'a sendMediaGroup', 120000);
  await sleep(1500); // a long album comes in several parts
  const parts = fake.calls.filter((c) => c.method === 'sendMediaGroup' && String(c.params.chat_id) === String(USER.id));
  const items = parts.flatMap((c) => (Array.isArray(c.params.media) ? c.params.media : []));
  check(items.length === count, `the album has ${items.length} items in ${parts.length} part(s), the editor had ${count} slides`);
  check(parts.every((c) => c.files.length === c.params.media.length), 'an album item without its uploaded file');
  check(album.params.media.every((m) => m.type === 'photo' || m.type === 'document'), 'album items are not photos');

  step = 'the post after the album';
  const postCall = await fake.waitFor((c) => c.method === 'sendMessage' && String(c.params.text || '').includes('<pre>') && c, 'a sendMessage with the post', 30000);
  check(postCall.at >= album.at, 'the post came before the album');
  check(String(postCall.params.text).includes('<pre>' + CAPTION.replace('&', '&amp;') + '\n\n#'), `the post message does not carry the edited caption: ${postCall.params.text}`);
  const copy = buttons(postCall.params.reply_markup).find((b) => b.copy_text);
  check(copy && copy.copy_text.text.startsWith(CAPTION + '\n\n#'), 'the post message has no copy button with the post');
  check(fake.calls.filter((c) => c.method === 'sendMessage' && String(c.params.text || '').includes('<pre>')).length === 1, 'more than one post message');

  step = 'the stored draft';
  const stored = await (await api('/drafts/' + draftId)).json();
  check(stored.slides && stored.slides[0].title === EDITED, `the stored slide 1 is "${stored.slides && stored.slides[0].title}"`);
  check(stored.slides[1].title === firstTitle, 'the stored slide 2 is not the old slide 1');
  check(stored.state !== 'reviewing' && stored.editable === false, `the stored draft is still ${stored.state} (editable ${stored.editable})`);
  check(stored.post && stored.post.caption === CAPTION, `the stored caption is "${stored.post && stored.post.caption}"`);
  console.log(`editor against the real bot: ok (${count} slides, album in ${parts.length} part(s), draft ${stored.state})`);
} catch (e) {
  console.error(`browser-check FAILED at "${step}": ${e.message}`);
  if (!e.check) console.error(e.stack);
  if (fake) {
    console.error('Bot API calls: ' + fake.calls.map((c) => c.method).join(', '));
    for (const c of fake.calls.filter((c) => c.method === 'sendMediaGroup')) {
      console.error(`  sendMediaGroup: ${(c.params.media || []).length} items (${(c.params.media || []).map((m) => m.type).join(' ')}), ${c.files.length} files`);
    }
  }
  console.error('the bot\'s log: ' + log);
  try { console.error(fs.readFileSync(log, 'utf8').split('\n').filter((l) => /ERROR|WARN/.test(l)).slice(-15).join('\n')); } catch (x) { /* no log */ }
  process.exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  if (bot && bot.exitCode === null) {
    bot.kill('SIGTERM');
    const gone = await Promise.race([new Promise((r) => bot.once('exit', () => r(true))), sleep(10000).then(() => false)]);
    if (!gone) bot.kill('SIGKILL');
  }
  if (fake) await fake.close().catch(() => {});
}
