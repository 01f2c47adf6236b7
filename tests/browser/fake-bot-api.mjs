// A loopback Telegram Bot API for the browser check: the bot's calls (JSON, urlencoded or
// multipart/form-data, as teloxide sends them to <url>/bot<token>/<method>) are recorded with their
// fields and answered {"ok": true, "result": ...} with plausible objects and rising message ids,
// as tests/api/helpers/fake_bot_api.rs does for the Rust tests.
import http from 'node:http';

const BOT = { id: 7000000001, is_bot: true, first_name: 'VibeBot', username: 'vibe_test_bot' };

/** Parses a multipart/form-data body: text fields by name, files as {filename, size, type}. */
export function parseMultipart(buffer, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType || '');
  if (!m) return { fields: {}, files: [] };
  const boundary = Buffer.from('--' + (m[1] || m[2]).trim());
  const fields = {}, files = [];
  let at = buffer.indexOf(boundary);
  while (at >= 0) {
    const start = at + boundary.length;
    if (buffer.slice(start, start + 2).toString() === '--') break;
    const next = buffer.indexOf(boundary, start);
    if (next < 0) break;
    const part = buffer.slice(start + 2, next - 2); // after CRLF, before CRLF--boundary
    const split = part.indexOf('\r\n\r\n');
    const head = part.slice(0, split).toString('utf8');
    const body = part.slice(split + 4);
    const name = /name="([^"]*)"/i.exec(head);
    const filename = /filename="([^"]*)"/i.exec(head);
    const type = /content-type:\s*([^\r\n]+)/i.exec(head);
    if (name) {
      if (filename) files.push({ field: name[1], filename: filename[1], size: body.length, type: type ? type[1] : '' });
      else fields[name[1]] = body.toString('utf8');
    }
    at = next;
  }
  return { fields, files };
}

// Multipart and urlencoded values arrive as text; objects and arrays in them are JSON.
function decode(fields) {
  const out = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v === 'string' && /^[[{]/.test(v.trim())) {
      try { out[k] = JSON.parse(v); continue; } catch (e) { /* left as text */ }
    }
    out[k] = v;
  }
  return out;
}

export async function startFakeBotApi() {
  const calls = [];
  let nextId = 100;
  const chatOf = (p) => ({ id: Number(p.chat_id) || p.chat_id, type: 'private', first_name: 'Ann' });
  const message = (p, extra) => ({ message_id: nextId++, date: Math.floor(Date.now() / 1000), chat: chatOf(p), from: BOT, ...extra });
  const photo = (n) => [{ file_id: 'photo-' + n, file_unique_id: 'u-photo-' + n, width: 1080, height: 1350, file_size: 200000 }];
  const document = (n) => ({ file_id: 'doc-' + n, file_unique_id: 'u-doc-' + n, file_name: 'slide.png', mime_type: 'image/png', file_size: 200000 });
  function result(method, p) {
    switch (method) {
      case 'getme':
        return { ...BOT, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, has_main_web_app: false };
      case 'sendmessage':
        return message(p, { text: p.text || '', ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}) });
      case 'sendphoto':
        return message(p, { photo: photo(nextId), caption: p.caption, ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}) });
      case 'senddocument':
        return message(p, { document: document(nextId), caption: p.caption });
      case 'sendmediagroup': {
        const media = Array.isArray(p.media) ? p.media : [];
        const group = 'album-' + nextId;
        return media.map((item, i) => message(p, { media_group_id: group, ...(i === 0 && item.caption ? { caption: item.caption } : {}),
          ...(item.type === 'document' ? { document: document(nextId) } : { photo: photo(nextId) }) }));
      }
      case 'editmessagetext':
      case 'editmessagecaption':
      case 'editmessagereplymarkup':
        return { message_id: Number(p.message_id) || nextId++, date: Math.floor(Date.now() / 1000), chat: chatOf(p), from: BOT,
          text: p.text || '', ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}) };
      case 'getuserprofilephotos':
        return { total_count: 0, photos: [] };
      case 'getfile':
        return { file_id: p.file_id, file_unique_id: 'u-' + p.file_id, file_size: 1000, file_path: 'photos/' + p.file_id + '.jpg' };
      case 'getupdates':
        return [];
      default: // setMyCommands, setWebhook, deleteWebhook, answerCallbackQuery, deleteMessage, ...
        return true;
    }
  }
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const raw = Buffer.concat(chunks);
    const m = /^\/bot[^/]+\/([A-Za-z]+)$/.exec(new URL(req.url, 'http://x').pathname);
    if (!m) { res.writeHead(404, { 'Content-Type': 'application/json' }); return res.end('{"ok":false,"error_code":404,"description":"Not Found"}'); }
    const type = req.headers['content-type'] || '';
    let params = {}, files = [];
    if (type.includes('multipart/form-data')) ({ fields: params, files } = parseMultipart(raw, type));
    else if (type.includes('json')) { try { params = JSON.parse(raw.toString('utf8') || '{}'); } catch (e) { params = {}; } }
    else if (raw.length) params = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    params = decode(params);
    // teloxide writes SendMessage; the Bot API's own spelling is sendMessage.
    const method = m[1][0].toLowerCase() + m[1].slice(1);
    const answer = result(method.toLowerCase(), params);
    calls.push({ method, params, files, result: answer, at: Date.now() });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok: true, result: answer }));
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const port = server.address().port;
  return {
    port, url: `http://127.0.0.1:${port}`, calls,
    /** The first recorded call `pick` returns something for, waiting up to `ms`. */
    async waitFor(pick, what, ms = 30000) {
      const end = Date.now() + ms;
      for (;;) {
        for (const c of calls) { const v = pick(c); if (v) return v; }
        if (Date.now() > end) throw Object.assign(new Error(`the fake Bot API never received ${what} (calls: ${calls.map((c) => c.method).join(', ') || 'none'})`), { check: true });
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    close: () => new Promise((ok) => { server.closeAllConnections && server.closeAllConnections(); server.close(ok); })
  };
}
