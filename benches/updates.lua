-- wrk script: every request is a distinct private-chat text update (unique update_id per thread,
-- and per wrk process with BVC_WRK_NO). BVC_TEXT is the text (default "hello"; a leading "/"
-- makes it a command), BVC_USERS how many users send it (default 1000). BVC_DELAY_MS paces each
-- connection (a pause after every answer) for an offered rate instead of a flood: about
-- connections × 1000 / (delay + latency) updates/s. BVC_SECRET is sent as Telegram's webhook
-- secret header.
local threads = {}

local delay_ms = tonumber(os.getenv("BVC_DELAY_MS") or "0")
if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  -- update_id is a u32 in the Bot API: give each thread (and each wrk) its own range.
  local wrk_no = tonumber(os.getenv("BVC_WRK_NO") or "0")
  counter = (wrk_no * 4 + thread_no) * 100000000 % 4000000000 + math.floor(os.time() % 100000) * 100
  text = os.getenv("BVC_TEXT") or "hello"
  users = tonumber(os.getenv("BVC_USERS") or "1000")
  headers = {["Content-Type"] = "application/json"}
  local secret = os.getenv("BVC_SECRET")
  if secret and secret ~= "" then
    headers["X-Telegram-Bot-Api-Secret-Token"] = secret
  end
  entities = ""
  if string.sub(text, 1, 1) == "/" then
    local length = string.find(text, " ") and (string.find(text, " ") - 1) or #text
    entities = string.format(',"entities":[{"offset":0,"length":%d,"type":"bot_command"}]', length)
  end
end

request = function()
  counter = counter + 1
  local user = counter % users + 1
  local body = string.format(
    '{"update_id":%d,"message":{"message_id":%d,"date":1763856000,' ..
    '"chat":{"id":%d,"type":"private","first_name":"Load"},' ..
    '"from":{"id":%d,"is_bot":false,"first_name":"Load","language_code":"en"},"text":"%s"%s}}',
    counter, counter % 100000, user, user, text, entities)
  return wrk.format("POST", "/telegram/webhook", headers, body)
end
